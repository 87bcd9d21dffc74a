//! Type to find: which entries of a pick list a few typed letters find. An entry is found when
//! every typed word starts its code, its alias, or a word of its label, in any case — "2a",
//! "school" and "health vis" find the agencies a person means. A code or alias typed in full
//! comes first, then entries whose code starts with what was typed, then the rest in list order.

/// One entry of a pick list: a code, an optional alias, and a label in words.
#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub code: String,
    pub alias: Option<String>,
    pub label: String,
}

impl Choice {
    pub fn new(code: impl Into<String>, alias: Option<&str>, label: impl Into<String>) -> Choice {
        Choice {
            code: code.into(),
            alias: alias.map(str::to_string),
            label: label.into(),
        }
    }

    /// How well `query` finds this entry (lower is better), or none when it does not.
    fn rank(&self, query: &str) -> Option<u8> {
        let query = query.trim().to_lowercase();
        let code = self.code.to_lowercase();
        let alias = self.alias.as_deref().map(str::to_lowercase);
        if query == code || alias.as_deref() == Some(query.as_str()) {
            return Some(0);
        }
        let alias_words: Vec<String> = alias.iter().flat_map(|a| words(a)).collect();
        let label_words = words(&self.label.to_lowercase());
        let mut rank = None;
        for token in query.split_whitespace() {
            let bare = bare(token);
            let found = if code.starts_with(token) {
                1
            } else if alias.as_deref().is_some_and(|a| a.starts_with(token)) {
                2
            } else if !bare.is_empty()
                && (alias_words.iter().chain(&label_words)).any(|w| w.starts_with(&bare))
            {
                3
            } else {
                return None;
            };
            // The first word typed says how good the match is.
            rank.get_or_insert(found);
        }
        rank.or(Some(4))
    }
}

/// The entries `query` finds, best first and otherwise in list order; every entry when the
/// query is blank.
pub fn find(choices: &[Choice], query: &str) -> Vec<usize> {
    let mut found: Vec<(u8, usize)> = choices
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.rank(query).map(|r| (r, i)))
        .collect();
    found.sort();
    found.into_iter().map(|(_, i)| i).collect()
}

/// A text's words, without their punctuation: "Health – health visitor" gives "health",
/// "health", "visitor".
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .map(bare)
        .filter(|w| !w.is_empty())
        .collect()
}

/// A word's letters and digits alone: "children's" gives "childrens", "a&e" gives "ae".
fn bare(word: &str) -> String {
    word.chars().filter(|c| c.is_alphanumeric()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::codes::{Agency, CodeList, Factor, Outcome};

    fn choices<C: CodeList>() -> Vec<Choice> {
        C::ALL
            .iter()
            .map(|c| Choice::new(c.code(), c.alias(), c.label()))
            .collect()
    }

    fn codes<C: CodeList>(query: &str) -> Vec<&'static str> {
        find(&choices::<C>(), query)
            .into_iter()
            .map(|i| C::ALL[i].code())
            .collect()
    }

    #[test]
    fn an_agency_by_code_alias_or_words_of_its_label() {
        assert_eq!(codes::<Agency>("2a"), ["2A"]);
        assert_eq!(codes::<Agency>("health vis"), ["3B"]);
        assert_eq!(codes::<Agency>("school"), ["2A", "3C"]);
        assert_eq!(codes::<Agency>("Police"), ["6"]);
        assert_eq!(codes::<Agency>("gp"), ["3A"]);
        assert_eq!(codes::<Agency>("a&e"), ["3E"]);
        assert_eq!(codes::<Agency>("children's"), ["8"]);
        assert_eq!(codes::<Agency>("3")[..2], ["3A", "3B"]);
        assert!(codes::<Agency>("teacher").is_empty());
        assert_eq!(codes::<Agency>("").len(), Agency::ALL.len());
    }

    #[test]
    fn a_factor_by_code_or_words_of_its_label() {
        assert_eq!(codes::<Factor>("16a"), ["16A"]);
        assert_eq!(codes::<Factor>("negl"), ["16A"]);
        assert_eq!(codes::<Factor>("domestic parent"), ["3B"]);
        assert_eq!(codes::<Factor>("dom"), ["3A", "3B", "3C"]);
    }

    #[test]
    fn an_outcome_by_its_first_letters() {
        assert_eq!(codes::<Outcome>("e")[0], "early-help");
        assert_eq!(codes::<Outcome>("ref"), ["refer-csc"]);
        assert_eq!(codes::<Outcome>("r")[..2], ["refer-csc", "reconsult"]);
        assert_eq!(codes::<Outcome>("u")[0], "urgent");
    }
}
