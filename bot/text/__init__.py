"""Pure text functions every stage may use: sentences, quotation spans, matching, URLs.

The bottom of the house: nothing here imports from any other part of briefbot, does I/O or
loads a model.
"""
