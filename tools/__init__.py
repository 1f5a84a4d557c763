"""Tools that turn the chapters into a book: student copies, the HTML site, the glossary check."""
