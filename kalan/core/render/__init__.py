"""Render toolkits every app uses: spreadsheets (xlsx, csv), PDF layout, Word files, QR codes.

They know no domain: each takes rows, paragraphs or text and returns bytes or a response body.
"""
