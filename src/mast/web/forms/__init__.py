"""The forms of MAST's pages, one module per area, on one GOV.UK base (base.py): plain ids, an error summary
in the form's order, and a service's refusal shown against the field it is about."""
