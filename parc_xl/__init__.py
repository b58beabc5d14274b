"""parc-xl: the CCHC plan tracker behind Excel's "CCHC" ribbon tab."""

__version__ = "0.1.0"
