"""Reading the participant lists that commands send (xlsx, xls, csv) into clean row values.

The contract between the parts (reader → columns → values → plan → commit):

- ``reader.table_read(path=..., filename=..., sheet=None) -> Table``: finds the sheet, the header
  row under any titles, drops blank rows and the total row; raises ``ImportFileError``.
- ``columns.mapping_guess(headers) -> dict[int, str]``: column index → field name of ``FIELDS``.
- ``values.row_values(table=..., mapping=...) -> list[RowValues]``: each row's values, cleaned
  (names, sex, phone as ``+223 XX XX XX XX``, dates), with the errors of its cells.
- ``plan`` / ``service``: match rows to persons and commit them into a session.
"""
