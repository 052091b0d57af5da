//! The one CSV writer.

use crate::escape::csv_cell;

/// A CSV document built in memory: a header row, then rows whose cells are
/// neutralised by [`csv_cell`]; quoting (RFC 4180) is the `csv` crate's.
///
/// ```
/// let mut doc = marac_render::CsvDoc::new(&["id", "text"]).unwrap();
/// doc.row(["1", "=1+1"]).unwrap();
/// doc.row(["2", "a, \"b\""]).unwrap();
/// assert_eq!(doc.finish().unwrap(), b"id,text\n1,'=1+1\n2,\"a, \"\"b\"\"\"\n");
/// ```
pub struct CsvDoc {
    w: csv::Writer<Vec<u8>>,
}

impl CsvDoc {
    /// A document with a header row (written as given).
    pub fn new(header: &[&str]) -> Result<Self, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(header)?;
        Ok(CsvDoc { w })
    }

    /// Adds a row; each cell is neutralised. A row with another number of
    /// cells than the header is an error.
    pub fn row<I, S>(&mut self, cells: I) -> Result<(), csv::Error>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let cells: Vec<String> = cells.into_iter().map(|c| csv_cell(c.as_ref())).collect();
        self.w.write_record(&cells)
    }

    /// The document's bytes.
    pub fn finish(self) -> Result<Vec<u8>, csv::Error> {
        self.w
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it_and_neutralises_cells() {
        let mut doc = CsvDoc::new(&["a", "b", "c"]).unwrap();
        doc.row(["x,y", "line\nbreak", "say \"hi\""]).unwrap();
        doc.row(["@cmd", "-2", "\r"]).unwrap();
        doc.row(["", "", ""]).unwrap();
        assert_eq!(
            String::from_utf8(doc.finish().unwrap()).unwrap(),
            "a,b,c\n\"x,y\",\"line\nbreak\",\"say \"\"hi\"\"\"\n'@cmd,-2,\"'\r\"\n,,\n"
        );
    }

    #[test]
    fn a_row_of_the_wrong_length_is_an_error() {
        let mut doc = CsvDoc::new(&["a", "b"]).unwrap();
        assert!(doc.row(["1"]).is_err());
    }
}
