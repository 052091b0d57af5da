//! The small expression language of deterministic rules.
//!
//! ```text
//! expr   := or
//! or     := and ("or" and)*
//! and    := unary ("and" unary)*
//! unary  := "not" unary | "(" expr ")" | atom
//! atom   := "true" | "false" | "same_reference"
//!         | "exact(" field ")"            -- the field's strongest level
//!         | "missing(" field ")"          -- a value is missing on either side
//!         | "level(" field ")" ("==" | "!=") "level-name"
//!         | ("jw" | "similarity") "(" field ")" op number
//! op     := ">=" | ">" | "<=" | "<" | "=="
//! field  := first_name | last_name | swapped_names | dob | postcode | address | phone
//!         | counterpart | area
//! ```
//!
//! `jw` is the Jaro-Winkler similarity of folded names; `similarity(address)`
//! is the Jaccard similarity of street words. A comparison with a missing
//! value is false.
//!
//! ```
//! use marac_link::expr::Expr;
//! let e = Expr::parse("exact(dob) and jw(last_name) >= 0.92").unwrap();
//! assert_eq!(e.to_string(), "(exact(dob) and jw(last_name) >= 0.92)");
//! assert!(Expr::parse("exact(shoe_size)").is_err());
//! ```

use std::fmt;

/// Field names an expression may use.
pub const FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "swapped_names",
    "dob",
    "postcode",
    "address",
    "phone",
    "counterpart",
    "area",
];

/// A numeric comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `>=`
    Ge,
    /// `>`
    Gt,
    /// `<=`
    Le,
    /// `<`
    Lt,
    /// `==`
    Eq,
}

impl Op {
    fn apply(self, a: f64, b: f64) -> bool {
        match self {
            Op::Ge => a >= b,
            Op::Gt => a > b,
            Op::Le => a <= b,
            Op::Lt => a < b,
            Op::Eq => (a - b).abs() < 1e-12,
        }
    }
    fn as_str(self) -> &'static str {
        match self {
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
            Op::Eq => "==",
        }
    }
}

/// A parsed rule expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Constant.
    Const(bool),
    /// Same agency reference within one source.
    SameReference,
    /// The field's strongest level.
    Exact(&'static str),
    /// A value missing on either side.
    Missing(&'static str),
    /// The field's level is (or is not) a named level.
    Level(&'static str, bool, String),
    /// A similarity compared with a number.
    Similarity(&'static str, Op, f64),
    /// Negation.
    Not(Box<Expr>),
    /// Conjunction.
    And(Box<Expr>, Box<Expr>),
    /// Disjunction.
    Or(Box<Expr>, Box<Expr>),
}

/// What an expression asks of a pair.
pub trait PairFacts {
    /// The level name of a field, `None` when a value is missing.
    fn level(&self, field: &str) -> Option<&'static str>;
    /// The raw similarity of a field, `None` when missing or not defined.
    fn similarity(&self, field: &str) -> Option<f64>;
    /// Whether both mentions hold the same reference from the same source.
    fn same_reference(&self) -> bool;
}

impl Expr {
    /// Parses an expression.
    pub fn parse(text: &str) -> Result<Expr, String> {
        let tokens = lex(text)?;
        let mut p = Parser { t: tokens, i: 0 };
        let e = p.or()?;
        if p.i != p.t.len() {
            return Err(format!("unexpected '{}'", p.t[p.i]));
        }
        Ok(e)
    }

    /// The level a veto is about: the first `level(field) == "value"` that
    /// must hold for the expression to hold (looking through `and`, never
    /// into `not` or `or`), as `(field, value)`.
    ///
    /// ```
    /// use marac_link::expr::Expr;
    /// let e = Expr::parse("level(dob) == \"else\" and not exact(phone)").unwrap();
    /// assert_eq!(e.primary_level(), Some(("dob", "else")));
    /// assert_eq!(Expr::parse("missing(first_name)").unwrap().primary_level(), None);
    /// ```
    pub fn primary_level(&self) -> Option<(&'static str, &str)> {
        match self {
            Expr::Level(field, true, value) => Some((field, value.as_str())),
            Expr::And(a, b) => a.primary_level().or_else(|| b.primary_level()),
            _ => None,
        }
    }

    /// Evaluates the expression on a pair.
    pub fn eval(&self, f: &dyn PairFacts) -> bool {
        match self {
            Expr::Const(b) => *b,
            Expr::SameReference => f.same_reference(),
            Expr::Exact(field) => f.level(field) == Some("exact"),
            Expr::Missing(field) => f.level(field).is_none(),
            Expr::Level(field, eq, name) => match f.level(field) {
                Some(l) => (l == name) == *eq,
                None => false,
            },
            Expr::Similarity(field, op, x) => f.similarity(field).is_some_and(|s| op.apply(s, *x)),
            Expr::Not(e) => !e.eval(f),
            Expr::And(a, b) => a.eval(f) && b.eval(f),
            Expr::Or(a, b) => a.eval(f) || b.eval(f),
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Expr::Const(b) => write!(f, "{b}"),
            Expr::SameReference => f.write_str("same_reference"),
            Expr::Exact(x) => write!(f, "exact({x})"),
            Expr::Missing(x) => write!(f, "missing({x})"),
            Expr::Level(x, eq, n) => {
                write!(f, "level({x}) {} \"{n}\"", if *eq { "==" } else { "!=" })
            }
            Expr::Similarity(x, op, v) => {
                let func = if matches!(*x, "first_name" | "last_name") {
                    "jw"
                } else {
                    "similarity"
                };
                write!(f, "{func}({x}) {} {v}", op.as_str())
            }
            Expr::Not(e) => write!(f, "not {e}"),
            Expr::And(a, b) => write!(f, "({a} and {b})"),
            Expr::Or(a, b) => write!(f, "({a} or {b})"),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Str(String),
    Num(f64),
    Sym(&'static str),
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Word(w) => f.write_str(w),
            Tok::Str(s) => write!(f, "\"{s}\""),
            Tok::Num(n) => write!(f, "{n}"),
            Tok::Sym(s) => f.write_str(s),
        }
    }
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let b: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphabetic() || c == '_' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push(Tok::Word(
                b[s..i].iter().collect::<String>().to_ascii_lowercase(),
            ));
        } else if c.is_ascii_digit() || c == '.' {
            let s = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == '.') {
                i += 1;
            }
            let t: String = b[s..i].iter().collect();
            out.push(Tok::Num(
                t.parse().map_err(|_| format!("bad number '{t}'"))?,
            ));
        } else if c == '"' || c == '\'' {
            let s = i + 1;
            i += 1;
            while i < b.len() && b[i] != c {
                i += 1;
            }
            if i >= b.len() {
                return Err("unterminated string".into());
            }
            out.push(Tok::Str(b[s..i].iter().collect()));
            i += 1;
        } else {
            let two: String = b[i..(i + 2).min(b.len())].iter().collect();
            let sym = match two.as_str() {
                ">=" => Some(">="),
                "<=" => Some("<="),
                "==" => Some("=="),
                "!=" => Some("!="),
                "&&" => Some("and"),
                "||" => Some("or"),
                _ => None,
            };
            if let Some(s) = sym {
                out.push(if s == "and" || s == "or" {
                    Tok::Word(s.into())
                } else {
                    Tok::Sym(s)
                });
                i += 2;
                continue;
            }
            let one = match c {
                '(' => "(",
                ')' => ")",
                '>' => ">",
                '<' => "<",
                '!' => "not",
                '=' => "==",
                _ => return Err(format!("unexpected character '{c}'")),
            };
            out.push(if one == "not" {
                Tok::Word("not".into())
            } else {
                Tok::Sym(one)
            });
            i += 1;
        }
    }
    Ok(out)
}

struct Parser {
    t: Vec<Tok>,
    i: usize,
}

impl Parser {
    fn peek_word(&self, w: &str) -> bool {
        matches!(self.t.get(self.i), Some(Tok::Word(x)) if x == w)
    }
    fn expect_sym(&mut self, s: &str) -> Result<(), String> {
        match self.t.get(self.i) {
            Some(Tok::Sym(x)) if *x == s => {
                self.i += 1;
                Ok(())
            }
            Some(t) => Err(format!("expected '{s}', found '{t}'")),
            None => Err(format!("expected '{s}' at the end")),
        }
    }
    fn or(&mut self) -> Result<Expr, String> {
        let mut e = self.and()?;
        while self.peek_word("or") {
            self.i += 1;
            e = Expr::Or(Box::new(e), Box::new(self.and()?));
        }
        Ok(e)
    }
    fn and(&mut self) -> Result<Expr, String> {
        let mut e = self.unary()?;
        while self.peek_word("and") {
            self.i += 1;
            e = Expr::And(Box::new(e), Box::new(self.unary()?));
        }
        Ok(e)
    }
    fn unary(&mut self) -> Result<Expr, String> {
        if self.peek_word("not") {
            self.i += 1;
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        if matches!(self.t.get(self.i), Some(Tok::Sym("("))) {
            self.i += 1;
            let e = self.or()?;
            self.expect_sym(")")?;
            return Ok(e);
        }
        self.atom()
    }
    fn field(&mut self) -> Result<&'static str, String> {
        self.expect_sym("(")?;
        let f = match self.t.get(self.i) {
            Some(Tok::Word(w)) => FIELDS
                .iter()
                .find(|f| **f == w)
                .copied()
                .ok_or_else(|| format!("unknown field '{w}'; fields: {}", FIELDS.join(", ")))?,
            Some(t) => return Err(format!("expected a field, found '{t}'")),
            None => return Err("expected a field at the end".into()),
        };
        self.i += 1;
        self.expect_sym(")")?;
        Ok(f)
    }
    fn atom(&mut self) -> Result<Expr, String> {
        let w = match self.t.get(self.i) {
            Some(Tok::Word(w)) => w.clone(),
            Some(t) => return Err(format!("unexpected '{t}'")),
            None => return Err("unexpected end of rule".into()),
        };
        self.i += 1;
        match w.as_str() {
            "true" => Ok(Expr::Const(true)),
            "false" => Ok(Expr::Const(false)),
            "same_reference" => Ok(Expr::SameReference),
            "exact" => Ok(Expr::Exact(self.field()?)),
            "missing" => Ok(Expr::Missing(self.field()?)),
            "level" => {
                let f = self.field()?;
                let eq = match self.t.get(self.i) {
                    Some(Tok::Sym("==")) => true,
                    Some(Tok::Sym("!=")) => false,
                    _ => return Err("level(...) needs == or != and a level name".into()),
                };
                self.i += 1;
                match self.t.get(self.i) {
                    Some(Tok::Str(s)) | Some(Tok::Word(s)) => {
                        let s = s.clone();
                        self.i += 1;
                        Ok(Expr::Level(f, eq, s))
                    }
                    _ => Err("level(...) needs a level name".into()),
                }
            }
            "jw" | "similarity" => {
                let f = self.field()?;
                let op = match self.t.get(self.i) {
                    Some(Tok::Sym(">=")) => Op::Ge,
                    Some(Tok::Sym(">")) => Op::Gt,
                    Some(Tok::Sym("<=")) => Op::Le,
                    Some(Tok::Sym("<")) => Op::Lt,
                    Some(Tok::Sym("==")) => Op::Eq,
                    _ => return Err(format!("{w}(...) needs a comparison operator")),
                };
                self.i += 1;
                match self.t.get(self.i) {
                    Some(Tok::Num(n)) => {
                        let n = *n;
                        self.i += 1;
                        Ok(Expr::Similarity(f, op, n))
                    }
                    _ => Err(format!("{w}(...) needs a number")),
                }
            }
            other => Err(format!("unknown function '{other}'")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Facts;
    impl PairFacts for Facts {
        fn level(&self, field: &str) -> Option<&'static str> {
            match field {
                "dob" => Some("exact"),
                "first_name" => Some("nickname"),
                _ => None,
            }
        }
        fn similarity(&self, field: &str) -> Option<f64> {
            (field == "last_name").then_some(0.95)
        }
        fn same_reference(&self) -> bool {
            false
        }
    }

    #[test]
    fn parses_and_evaluates() {
        let t = |s: &str| Expr::parse(s).unwrap().eval(&Facts);
        assert!(t("exact(dob) and jw(last_name) >= 0.92"));
        assert!(!t("exact(dob) and jw(last_name) > 0.96"));
        assert!(t("level(first_name) == \"nickname\" or same_reference"));
        assert!(t("not exact(postcode) && missing(postcode)"));
        assert!(!t("exact(postcode) or (false and true)"));
        assert!(t("level(first_name) != exact"));
        assert!(!t("jw(first_name) >= 0.1"), "missing similarity is false");
    }

    #[test]
    fn rejects_bad_rules() {
        for bad in [
            "",
            "exact(dob",
            "exact(dob) and",
            "jw(last_name) 0.9",
            "level(dob) == ",
            "foo(dob)",
            "exact(dob) $",
        ] {
            assert!(Expr::parse(bad).is_err(), "{bad}");
        }
    }
}
