// Security keys and passkeys (WebAuthn): a form marked data-module="mast-security-key" carries MAST's
// challenge as JSON (a json_script element named by data-options). On submit the browser asks the key, and
// the key's answer goes back to MAST in the form's hidden "credential" field. A browser that cannot use
// security keys keeps the form hidden and shows the explanation beside it instead.
function start (form) {
  const options = JSON.parse(document.getElementById(form.dataset.options).textContent)
  const answer = form.querySelector('input[name=credential]')
  const failed = document.getElementById(form.dataset.failed)
  form.hidden = false
  const unsupported = document.getElementById(form.dataset.unsupported)
  if (unsupported) unsupported.hidden = true

  form.addEventListener('submit', async (event) => {
    if (answer.value) return
    event.preventDefault()
    try {
      const credential = form.dataset.ceremony === 'register'
        ? await navigator.credentials.create({ publicKey: PublicKeyCredential.parseCreationOptionsFromJSON(options) })
        : await navigator.credentials.get({ publicKey: PublicKeyCredential.parseRequestOptionsFromJSON(options) })
      answer.value = JSON.stringify(credential.toJSON())
      form.submit()
    } catch (error) {
      // Cancelled, timed out, or no key touched: the page says so and the user can try again.
      if (failed) {
        failed.hidden = false
        failed.focus()
      }
    }
  })
}

const supported = window.PublicKeyCredential && PublicKeyCredential.parseCreationOptionsFromJSON
if (supported) document.querySelectorAll('form[data-module="mast-security-key"]').forEach(start)
