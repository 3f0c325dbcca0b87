// The session timeout warning (GOV.UK's timeout-warning pattern): a minute before an idle session ends, a
// modal dialog says so and offers to stay signed in. Staying asks the server to restart its idle clock; doing
// nothing signs out through the ordinary sign-out form. The last activity is shared between tabs through
// localStorage, so working in one tab keeps the others from signing out.
const KEY = 'mast-last-activity'

export function start (dialog) {
  const idle = Number(dialog.dataset.idleSeconds) * 1000
  const warn = Number(dialog.dataset.warnSeconds) * 1000
  const countdown = dialog.querySelector('.mast-timeout-countdown')
  const live = dialog.querySelector('.mast-timeout-live')
  const form = dialog.querySelector('form.mast-timeout-sign-out')
  const stay = dialog.querySelector('.mast-timeout-stay')
  const token = form.querySelector('input[name=csrfmiddlewaretoken]').value
  let tick = null

  const touch = () => localStorage.setItem(KEY, String(Date.now()))
  const last = () => Number(localStorage.getItem(KEY) || Date.now())
  const words = (ms) => {
    const seconds = Math.max(0, Math.ceil(ms / 1000))
    return seconds >= 60 ? '1 minute' : `${seconds} second${seconds === 1 ? '' : 's'}`
  }

  function signOut () {
    form.querySelector('input[name=next]').value = dialog.dataset.timedOutUrl
    form.submit()
  }

  function check () {
    const left = last() + idle - Date.now()
    if (left <= 0) {
      clearInterval(tick)
      signOut()
    } else if (left <= warn) {
      if (!dialog.open) {
        dialog.showModal()
        live.textContent = `You will be signed out in ${words(left)}.`
      }
      countdown.textContent = words(left)
    } else if (dialog.open) {
      // Another tab was used: this one is not idle after all.
      dialog.close()
    }
  }

  stay.addEventListener('click', async () => {
    const response = await fetch(dialog.dataset.keepAliveUrl, {
      method: 'POST',
      headers: { 'X-CSRFToken': token },
      credentials: 'same-origin'
    })
    if (response.status === 204) {
      touch()
      dialog.close()
    } else {
      signOut()
    }
  })
  // Escape would close the dialog without restarting the server's clock: treat it as "stay signed in".
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault()
    stay.click()
  })

  touch()
  tick = setInterval(check, 1000)
}

const dialog = document.querySelector('[data-module="mast-timeout-warning"]')
if (dialog && typeof dialog.showModal === 'function') {
  start(dialog)
}
