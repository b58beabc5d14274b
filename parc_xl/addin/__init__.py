"""Build and install the Excel add-in (parc_xl.xlam)."""
