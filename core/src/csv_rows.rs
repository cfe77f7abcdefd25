//! The packs' CSV files (the catalogue's tables, the calendar) read a record at a
//! time into the same buffers, with `csv_core`'s parser built once per thread.
//!
//! `csv::Reader` builds its parser's state machine for each file: 273k instructions,
//! five times in a load of the built-in packs, and it checked each record as UTF-8
//! again, though a pack's text is a `&str` already. Records are read here as the
//! `csv` crate reads them with its defaults (a test compares the two on arbitrary
//! text): the first record is the header, empty lines are skipped, and a record
//! whose number of fields differs from the header's is an error at its line.

use std::cell::Cell;

/// A record whose number of fields differs from the header's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("found record with {found} fields, but the previous record has {expected} fields")]
pub(crate) struct UnequalLengths {
    /// The 1-based line the record starts on.
    pub line: u64,
    /// Its fields.
    pub found: usize,
    /// The header's fields.
    pub expected: usize,
}

/// A CSV text, read a record at a time.
pub(crate) struct Rows<'a> {
    /// What is left to read.
    input: &'a [u8],
    reader: csv_core::Reader,
    /// The current record's fields, one after another, and where each ends.
    fields: Vec<u8>,
    ends: Vec<usize>,
    /// How many of `ends` the current record has.
    len: usize,
    /// The header's fields, once read.
    width: Option<usize>,
}

thread_local! {
    /// A parser with its state machine built, lent to one text at a time. Not a
    /// copy of one built once: `csv_core` 0.1.13's `Clone` for its state machine
    /// copies the transitions alone, and a copy reads `date` as four records.
    static PARSER: Cell<Option<csv_core::Reader>> = const { Cell::new(None) };
}

/// This thread's parser, or a new one while another text holds it.
fn parser() -> csv_core::Reader {
    // `new`, not `default`: `default` leaves the state machine unbuilt.
    #[allow(clippy::unwrap_or_default)]
    PARSER
        .try_with(Cell::take)
        .ok()
        .flatten()
        .unwrap_or_else(csv_core::Reader::new)
}

impl Drop for Rows<'_> {
    fn drop(&mut self) {
        let mut parser = std::mem::take(&mut self.reader);
        parser.reset();
        // Not kept while the thread's locals are being destroyed.
        let _ = PARSER.try_with(|kept| kept.set(Some(parser)));
    }
}

impl<'a> Rows<'a> {
    /// Reads the header of `text`: its cells (none for an empty text), and the rows
    /// after it.
    pub fn open(text: &'a str) -> Result<(Vec<String>, Rows<'a>), UnequalLengths> {
        let mut rows = Rows {
            input: text.as_bytes(),
            reader: parser(),
            fields: vec![0; 1024],
            ends: vec![0; 32],
            len: 0,
            width: None,
        };
        let header = match rows.next()? {
            Some(_) => (0..rows.len).map(|i| rows.cell(i).to_owned()).collect(),
            None => Vec::new(),
        };
        Ok((header, rows))
    }

    /// Reads the next record; its line, or `None` at the end.
    pub fn next(&mut self) -> Result<Option<u64>, UnequalLengths> {
        use csv_core::ReadRecordResult as R;
        let line = self.reader.line();
        let (mut out, mut end) = (0, 0);
        loop {
            let fields = self.fields.get_mut(out..).unwrap_or_default();
            let ends = self.ends.get_mut(end..).unwrap_or_default();
            let (result, read, wrote, ended) = self.reader.read_record(self.input, fields, ends);
            self.input = self.input.get(read..).unwrap_or_default();
            out += wrote;
            end += ended;
            match result {
                // The whole text is the input: an empty one says it has ended.
                R::InputEmpty => continue,
                R::OutputFull => self.fields.resize(self.fields.len() * 2, 0),
                R::OutputEndsFull => self.ends.resize(self.ends.len() * 2, 0),
                R::Record => {
                    self.len = end;
                    let expected = *self.width.get_or_insert(end);
                    if end != expected {
                        return Err(UnequalLengths {
                            line,
                            found: end,
                            expected,
                        });
                    }
                    return Ok(Some(line));
                }
                R::End => {
                    self.len = 0;
                    return Ok(None);
                }
            }
        }
    }

    /// Cell `index` of the current record (empty past its last).
    pub fn cell(&self, index: usize) -> &str {
        if index >= self.len {
            return "";
        }
        let start = match index {
            0 => 0,
            _ => self.ends.get(index - 1).copied().unwrap_or_default(),
        };
        let end = self.ends.get(index).copied().unwrap_or_default();
        // Whole characters: a field of a text ends only at an ASCII delimiter, and
        // parsing drops only ASCII quotes.
        self.fields
            .get(start..end)
            .and_then(|bytes| std::str::from_utf8(bytes).ok())
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A text's header and its records with their lines, or the line of its error.
    type Read = Result<(Vec<String>, Vec<(u64, Vec<String>)>), u64>;

    /// `text` as the `csv` crate reads it with its defaults.
    fn by_csv(text: &str) -> Read {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let line = |e: csv::Error| e.position().map_or(0, csv::Position::line);
        let header = reader.headers().map_err(line)?;
        let header = header.iter().map(str::to_owned).collect();
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        while reader.read_record(&mut record).map_err(line)? {
            let at = record.position().map_or(0, csv::Position::line);
            records.push((at, record.iter().map(str::to_owned).collect()));
        }
        Ok((header, records))
    }

    /// The same read here.
    fn by_rows(text: &str) -> Read {
        let (header, mut rows) = Rows::open(text).map_err(|e| e.line)?;
        let mut records = Vec::new();
        while let Some(line) = rows.next().map_err(|e| e.line)? {
            records.push((
                line,
                (0..rows.len).map(|i| rows.cell(i).to_owned()).collect(),
            ));
        }
        Ok((header, records))
    }

    #[test]
    fn records_lines_and_errors_are_those_of_the_csv_crate() {
        let long = "长".repeat(2000);
        for text in [
            "",
            "\n\n",
            "a,b\n1,2\n",
            "a,b\r\n1,2\r\n\r\n3,4",
            "a,b\n\n\n1,2\n3\n",
            "a,\"b\nc\"\n\"1\"\"x\",2\n",
            "date,kind\n2026-01-01,holiday,,\n",
            "\u{feff}a,b\n1,2\n",
            &format!("a,b\n{long},{long}\n"),
            &format!("{}\n", vec!["x"; 100].join(",")),
        ] {
            assert_eq!(by_rows(text), by_csv(text), "{text:?}");
        }
        let (_, mut rows) = Rows::open("a,b\n1,2,3\n").unwrap();
        assert_eq!(
            rows.next().unwrap_err().to_string(),
            "found record with 3 fields, but the previous record has 2 fields"
        );
    }

    /// The parser is lent to one text at a time: a second text open beside the
    /// first gets one of its own, and a text put down before its end leaves the
    /// next one to start at line 1.
    #[test]
    fn texts_read_side_by_side_and_one_after_another() {
        let text = "a,b\n1,\"2\n";
        let (_, mut left) = Rows::open(text).unwrap();
        let (_, mut right) = Rows::open("x\ny\n").unwrap();
        assert_eq!(right.next(), Ok(Some(2)));
        assert_eq!(right.cell(0), "y");
        drop(right);
        assert_eq!(left.next(), Ok(Some(2)));
        assert_eq!((left.cell(0), left.cell(1)), ("1", "2\n"));
        drop(left);
        assert_eq!(by_rows(text), by_csv(text));
        assert_eq!(by_rows("a\n\"x\n"), by_csv("a\n\"x\n"));
    }

    proptest! {
        #[test]
        fn any_text_reads_as_the_csv_crate_reads_it(
            text in "[a-c,\"\r\n 长]{0,60}",
        ) {
            prop_assert_eq!(by_rows(&text), by_csv(&text));
        }
    }
}
