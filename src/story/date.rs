//! Dates with an explicit precision: a year, a month, part of a month, or a day.
//!
//! Reporting rarely gives an exact day. "Late July 2025" must stay late July:
//! it covers 21–31 July, sorts as that range, displays as words and goes into
//! `<time datetime="2025-07">`, never pretending to be 1 July.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Deserializer};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartOfMonth {
    Early,
    Mid,
    Late,
}

impl PartOfMonth {
    fn word(self) -> &'static str {
        match self {
            PartOfMonth::Early => "early",
            PartOfMonth::Mid => "mid",
            PartOfMonth::Late => "late",
        }
    }

    /// The days of the month this part covers (the last one is clamped to the month).
    fn days(self) -> (i8, i8) {
        match self {
            PartOfMonth::Early => (1, 10),
            PartOfMonth::Mid => (11, 20),
            PartOfMonth::Late => (21, 31),
        }
    }
}

/// A date as precise as the reporting allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FuzzyDate {
    Year(i16),
    Month(i16, i8),
    PartOfMonth(PartOfMonth, i16, i8),
    Day(Date),
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

impl FuzzyDate {
    /// The first day the date could mean.
    pub fn first_day(self) -> Date {
        match self {
            FuzzyDate::Year(y) => Date::constant(y, 1, 1),
            FuzzyDate::Month(y, m) => Date::constant(y, m, 1),
            FuzzyDate::PartOfMonth(part, y, m) => Date::constant(y, m, part.days().0),
            FuzzyDate::Day(d) => d,
        }
    }

    /// The last day the date could mean.
    pub fn last_day(self) -> Date {
        match self {
            FuzzyDate::Year(y) => Date::constant(y, 12, 31),
            FuzzyDate::Month(y, m) => Date::constant(y, m, 1).last_of_month(),
            FuzzyDate::PartOfMonth(part, y, m) => {
                let last = Date::constant(y, m, 1).last_of_month();
                Date::constant(y, m, part.days().1.min(last.day()))
            }
            FuzzyDate::Day(d) => d,
        }
    }

    pub fn year(self) -> i16 {
        self.first_day().year()
    }

    /// The value for `<time datetime>`: as precise as the date, no more.
    pub fn machine(self) -> String {
        match self {
            FuzzyDate::Year(y) => format!("{y:04}"),
            FuzzyDate::Month(y, m) | FuzzyDate::PartOfMonth(_, y, m) => format!("{y:04}-{m:02}"),
            FuzzyDate::Day(d) => d.to_string(),
        }
    }

    /// Words for readers: "2025", "July 2025", "Late July 2025", "4 July 2025".
    pub fn words(self) -> String {
        self.words_with_year(true)
    }

    fn words_with_year(self, with_year: bool) -> String {
        let (text, year) = match self {
            FuzzyDate::Year(y) => return y.to_string(),
            FuzzyDate::Month(y, m) => (month_name(m).to_string(), y),
            FuzzyDate::PartOfMonth(part, y, m) => {
                // "Mid-September", as written, but "Late July".
                let joint = if part == PartOfMonth::Mid { "-" } else { " " };
                (
                    format!("{}{joint}{}", capitalize(part.word()), month_name(m)),
                    y,
                )
            }
            FuzzyDate::Day(d) => (format!("{} {}", d.day(), month_name(d.month())), d.year()),
        };
        if with_year {
            format!("{text} {year}")
        } else {
            text
        }
    }

    /// Words for a range: "Late July – early August 2025".
    pub fn range_words(self, end: Option<FuzzyDate>) -> String {
        let Some(end) = end else {
            return self.words();
        };
        let same_year = self.year() == end.year() && !matches!(self, FuzzyDate::Year(_));
        let start = self.words_with_year(!same_year);
        let mut end_words = end.words();
        if let FuzzyDate::PartOfMonth(..) = end {
            end_words = lowercase_first(&end_words);
        }
        format!("{start} – {end_words}")
    }
}

fn month_name(month: i8) -> &'static str {
    MONTHS[(month - 1) as usize]
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn lowercase_first(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_lowercase().chain(chars).collect())
        .unwrap_or_default()
}

impl fmt::Display for FuzzyDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FuzzyDate::PartOfMonth(part, ..) => write!(f, "{} {}", part.word(), self.machine()),
            _ => f.write_str(&self.machine()),
        }
    }
}

const DATE_HELP: &str = "write a date as \"2025\", \"2025-07\", \"2025-07-04\", or part of a month: \"early 2025-07\", \"mid 2025-07\", \"late 2025-07\"";

impl FromStr for FuzzyDate {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("cannot read the date {text:?}: {DATE_HELP}");
        let (part, rest) = match text.trim().split_once(' ') {
            Some((word, rest)) => {
                let part = match word.to_ascii_lowercase().as_str() {
                    "early" => PartOfMonth::Early,
                    "mid" => PartOfMonth::Mid,
                    "late" => PartOfMonth::Late,
                    _ => return Err(bad()),
                };
                (Some(part), rest.trim())
            }
            None => (None, text.trim()),
        };
        let numbers: Vec<&str> = rest.split('-').collect();
        let parse = |s: &str, len: usize| -> Result<i16, String> {
            if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
                s.parse().map_err(|_| bad())
            } else {
                Err(bad())
            }
        };
        let month = |m: i16| -> Result<i8, String> {
            if (1..=12).contains(&m) {
                Ok(m as i8)
            } else {
                Err(format!(
                    "{text:?} has no month {m}: months run from 01 to 12"
                ))
            }
        };
        match (part, numbers.as_slice()) {
            (None, [y]) => Ok(FuzzyDate::Year(parse(y, 4)?)),
            (None, [y, m]) => Ok(FuzzyDate::Month(parse(y, 4)?, month(parse(m, 2)?)?)),
            (Some(part), [y, m]) => Ok(FuzzyDate::PartOfMonth(
                part,
                parse(y, 4)?,
                month(parse(m, 2)?)?,
            )),
            (None, [y, m, d]) => {
                let (y, m, d) = (parse(y, 4)?, month(parse(m, 2)?)?, parse(d, 2)?);
                Date::new(y, m, d as i8)
                    .map(FuzzyDate::Day)
                    .map_err(|_| format!("{text:?} is not a day of the calendar"))
            }
            _ => Err(bad()),
        }
    }
}

impl<'de> Deserialize<'de> for FuzzyDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Quoted, as a part of a month must be; a whole day may also be
        // written as a TOML date, as front matter writes it.
        match toml::Value::deserialize(deserializer)? {
            toml::Value::String(text) => text.parse(),
            toml::Value::Datetime(date) if date.time.is_none() => date.to_string().parse(),
            _ => Err(DATE_HELP.to_string()),
        }
        .map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> FuzzyDate {
        s.parse().unwrap()
    }

    #[test]
    fn parses_every_precision() {
        assert_eq!(d("2025"), FuzzyDate::Year(2025));
        assert_eq!(d("2025-07"), FuzzyDate::Month(2025, 7));
        assert_eq!(
            d("late 2025-07"),
            FuzzyDate::PartOfMonth(PartOfMonth::Late, 2025, 7)
        );
        assert_eq!(d("2025-07-04"), FuzzyDate::Day(Date::constant(2025, 7, 4)));
        for bad in [
            "July 2025",
            "2025-13",
            "2025-02-30",
            "soon 2025-07",
            "late 2025",
            "25-07",
            "",
        ] {
            assert!(bad.parse::<FuzzyDate>().is_err(), "{bad} parsed");
        }
    }

    #[test]
    fn a_whole_day_may_be_a_toml_date() {
        #[derive(Deserialize)]
        struct Entry {
            date: FuzzyDate,
        }
        let read = |text: &str| toml::from_str::<Entry>(text).map(|e| e.date);
        assert_eq!(read("date = 2025-07-04").unwrap(), d("2025-07-04"));
        assert_eq!(read("date = \"late 2025-07\"").unwrap(), d("late 2025-07"));
        for bad in ["date = 2025-07-04T10:00:00", "date = 7", "date = \"July\""] {
            let error = read(bad).unwrap_err().to_string();
            assert!(error.contains("write a date as \"2025\""), "{error}");
        }
    }

    #[test]
    fn ranges_cover_what_the_words_mean() {
        assert_eq!(d("late 2025-07").first_day(), Date::constant(2025, 7, 21));
        assert_eq!(d("late 2025-02").last_day(), Date::constant(2025, 2, 28));
        assert_eq!(d("2025-09").last_day(), Date::constant(2025, 9, 30));
        assert_eq!(d("mid 2025-09").first_day(), Date::constant(2025, 9, 11));
    }

    #[test]
    fn words_and_machine_values() {
        assert_eq!(d("late 2025-07").words(), "Late July 2025");
        assert_eq!(d("mid 2025-09").words(), "Mid-September 2025");
        assert_eq!(
            d("late 2025-07").range_words(Some(d("mid 2025-08"))),
            "Late July – mid-August 2025"
        );
        assert_eq!(d("late 2025-07").machine(), "2025-07");
        assert_eq!(d("2025-07-04").words(), "4 July 2025");
        assert_eq!(
            d("late 2025-07").range_words(Some(d("early 2025-08"))),
            "Late July – early August 2025"
        );
        assert_eq!(d("2024").range_words(Some(d("2025"))), "2024 – 2025");
    }
}
