//! The dip sample's draw (domain brief §8), written so that anyone can repeat it: a seed, the
//! ChaCha20 stream cipher as the source of random numbers, a uniform draw below n by rejection,
//! and a fixed order of drawing — one from each stratum, then the rest from what is left.
//! docs/oversight.md describes every step in words, for an auditor to follow by hand. No I/O:
//! the command gives the eligible consultations, in ID order, and their strata.

use std::fmt;
use std::str::FromStr;

use rand_chacha::ChaCha20Rng;
use rand_chacha::rand_core::{Rng, SeedableRng};
use sha2::{Digest, Sha256};

use super::invalid::Problem;
use super::period::Period;

/// The seed of a draw: a whole number from 0 to 2⁶⁴ − 1. The same seed, with the same eligible
/// consultations, size and strata, always gives the same sample.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Seed(pub u64);

impl Seed {
    /// The seed of a period when none is given: the first 8 bytes of the SHA-256 hash of the
    /// period written `YYYY-MM-DD/YYYY-MM-DD` (its first and last days), read as a big-endian
    /// number.
    pub fn of_period(period: Period) -> Seed {
        let hash = Sha256::digest(Seed::period_text(period).as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash[..8]);
        Seed(u64::from_be_bytes(first))
    }

    /// The text a period's seed is the hash of: `2026-02-01/2026-02-28`.
    pub fn period_text(period: Period) -> String {
        format!("{}/{}", period.from, period.to)
    }
}

impl FromStr for Seed {
    type Err = Problem;
    fn from_str(input: &str) -> Result<Seed, Problem> {
        let text = input.trim();
        if text.is_empty() {
            return Err(Problem::Empty {
                expected: "a whole number from 0 to 18446744073709551615",
            });
        }
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())
            .flatten()
            .map(Seed)
            .ok_or_else(|| Problem::OutOfRange {
                given: text.to_string(),
                valid: "a whole number from 0 to 18446744073709551615",
            })
    }
}

impl fmt::Display for Seed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// In JSON, a seed is a string: it may be beyond the integers a JSON reader keeps exactly.
impl serde::Serialize for Seed {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How many consultations a sample holds: 1 to `SampleSize::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SampleSize(usize);

impl SampleSize {
    pub const MAX: usize = 10_000;

    pub fn get(self) -> usize {
        self.0
    }
}

impl FromStr for SampleSize {
    type Err = Problem;
    fn from_str(input: &str) -> Result<SampleSize, Problem> {
        let text = input.trim();
        let valid = "a number of consultations from 1 to 10000";
        if text.is_empty() {
            return Err(Problem::Empty { expected: valid });
        }
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse::<usize>().ok())
            .flatten()
            .filter(|n| (1..=SampleSize::MAX).contains(n))
            .map(SampleSize)
            .ok_or_else(|| Problem::OutOfRange {
                given: text.to_string(),
                valid,
            })
    }
}

/// The source of a draw's random numbers: ChaCha20 (RFC 8439, 20 rounds) keyed with the
/// SHA-256 hash of the seed written in decimal, with a nonce of zero and its block counter
/// starting at zero. Its key stream, read 8 bytes at a time as little-endian numbers, gives the
/// numbers drawn.
pub struct Draw {
    stream: ChaCha20Rng,
}

impl Draw {
    pub fn new(seed: Seed) -> Draw {
        let key: [u8; 32] = Sha256::digest(seed.0.to_string().as_bytes()).into();
        Draw {
            stream: ChaCha20Rng::from_seed(key),
        }
    }

    /// A number from 0 to `n` − 1, each equally likely (`n` > 0): the next number x of the
    /// stream, taken when it is below the largest multiple of `n` that is at most 2⁶⁴, as
    /// x mod `n`; otherwise the next one is tried.
    pub fn below(&mut self, n: usize) -> usize {
        let n = n as u64;
        assert!(n > 0, "a draw from nothing");
        // 2⁶⁴ mod n: the numbers at the top of the range that would favour the lowest answers.
        let excess = (u64::MAX % n + 1) % n;
        loop {
            let x = self.stream.next_u64();
            if excess == 0 || x <= u64::MAX - excess {
                return (x % n) as usize;
            }
        }
    }
}

/// One consultation drawn: its place in the eligible list (in ID order), and whether it was
/// drawn as its stratum's one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pick {
    pub index: usize,
    pub for_stratum: bool,
}

/// Draws `size` of the eligible consultations, given in ID order with the stratum of each (all
/// in one stratum when the draw is not spread). In the order drawn:
///
/// 1. When `size` is at least the number eligible, all are taken, in ID order, and nothing is
///    drawn.
/// 2. With strata — listed in the order each first appears among the eligible — when `size` is
///    smaller than the number of strata, `size` of them are drawn one at a time from those not
///    yet drawn; otherwise every stratum is taken, in that order. Then, for each stratum taken
///    in turn, one of its consultations is drawn.
/// 3. The rest, up to `size`, are drawn one at a time from all those not yet drawn.
///
/// Each drawing from a list of n (in ID order, or the strata's order) takes the item at place
/// `Draw::below(n)`, counting from 0, and removes it from the list.
pub fn draw<K: PartialEq>(
    strata: Option<&[K]>,
    eligible: usize,
    size: usize,
    seed: Seed,
) -> Vec<Pick> {
    if size >= eligible {
        return (0..eligible)
            .map(|index| Pick {
                index,
                for_stratum: false,
            })
            .collect();
    }
    let mut random = Draw::new(seed);
    let mut left: Vec<usize> = (0..eligible).collect();
    let mut picks = Vec::with_capacity(size);
    if let Some(keys) = strata {
        let mut order: Vec<&K> = Vec::new();
        for key in keys {
            if !order.contains(&key) {
                order.push(key);
            }
        }
        let taken: Vec<&K> = if size < order.len() {
            (0..size)
                .map(|_| order.remove(random.below(order.len())))
                .collect()
        } else {
            order
        };
        for key in taken {
            let members: Vec<usize> = left.iter().copied().filter(|&i| keys[i] == *key).collect();
            let index = members[random.below(members.len())];
            left.retain(|&i| i != index);
            picks.push(Pick {
                index,
                for_stratum: true,
            });
        }
    }
    while picks.len() < size {
        let index = left.remove(random.below(left.len()));
        picks.push(Pick {
            index,
            for_stratum: false,
        });
    }
    picks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> chrono::NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_stream_is_the_chacha20_key_stream_of_rfc_8439() {
        // RFC 8439, appendix A.1, test vector 1: the all-zero key, nonce and counter give a key
        // stream starting 76 b8 e0 ad a0 f1 3d 90.
        let mut zero = ChaCha20Rng::from_seed([0; 32]);
        assert_eq!(zero.next_u64(), 0x903d_f1a0_ade0_b876);
    }

    #[test]
    fn a_period_s_seed_is_its_hash() {
        let february = Period {
            from: d("2026-02-01"),
            to: d("2026-02-28"),
        };
        assert_eq!(Seed::period_text(february), "2026-02-01/2026-02-28");
        // `printf %s 2026-02-01/2026-02-28 | sha256sum` starts 1bc4d430c4e7ce45.
        assert_eq!(Seed::of_period(february), Seed(0x1bc4_d430_c4e7_ce45));
        assert_eq!(Seed::of_period(february).to_string(), "2000957440386387525");
        assert_ne!(
            Seed::of_period(february),
            Seed::of_period(Period {
                from: d("2026-03-01"),
                to: d("2026-03-31")
            })
        );
    }

    #[test]
    fn seeds_and_sizes_are_whole_numbers_in_range() {
        assert_eq!("42".parse::<Seed>().unwrap(), Seed(42));
        assert_eq!(
            "18446744073709551615".parse::<Seed>().unwrap(),
            Seed(u64::MAX)
        );
        for bad in ["18446744073709551616", "-1", "+1", "1.5", "seed"] {
            assert!(bad.parse::<Seed>().is_err(), "{bad}");
        }
        assert_eq!("10".parse::<SampleSize>().unwrap().get(), 10);
        for bad in ["0", "10001", "-3", "", "ten"] {
            assert!(bad.parse::<SampleSize>().is_err(), "{bad}");
        }
    }

    #[test]
    fn below_is_in_range_and_fixed_by_the_seed() {
        let numbers = |seed| {
            let mut draw = Draw::new(Seed(seed));
            (0..50).map(|_| draw.below(7)).collect::<Vec<_>>()
        };
        assert!(numbers(1).iter().all(|&n| n < 7));
        assert_eq!(numbers(1), numbers(1));
        assert_ne!(numbers(1), numbers(2));
        let mut draw = Draw::new(Seed(1));
        assert_eq!(draw.below(1), 0);
    }

    #[test]
    fn the_numbers_are_those_docs_oversight_md_works_out_by_hand() {
        // The reference in docs/oversight.md gives these for seed 1, below 1000.
        let mut draw = Draw::new(Seed(1));
        let numbers: Vec<usize> = (0..8).map(|_| draw.below(1000)).collect();
        assert_eq!(numbers, [775, 466, 953, 221, 751, 964, 154, 20]);
    }

    #[test]
    fn a_draw_without_strata_takes_size_distinct_consultations() {
        let picks = draw::<()>(None, 20, 5, Seed(9));
        let mut indexes: Vec<usize> = picks.iter().map(|p| p.index).collect();
        assert_eq!(picks, draw::<()>(None, 20, 5, Seed(9)));
        indexes.sort_unstable();
        indexes.dedup();
        assert_eq!(indexes.len(), 5);
        assert!(indexes.iter().all(|&i| i < 20));
        assert!(picks.iter().all(|p| !p.for_stratum));
    }

    #[test]
    fn every_stratum_gives_one_first() {
        let keys = ["a", "a", "b", "a", "c", "a", "a", "b", "a", "a"];
        for seed in 0..50 {
            let picks = draw(Some(&keys[..]), keys.len(), 4, Seed(seed));
            let first: Vec<&str> = picks[..3].iter().map(|p| keys[p.index]).collect();
            assert_eq!(
                first,
                ["a", "b", "c"],
                "seed {seed}: in order of first appearance"
            );
            assert!(picks[..3].iter().all(|p| p.for_stratum));
            assert!(!picks[3].for_stratum);
        }
    }

    #[test]
    fn fewer_places_than_strata_draws_the_strata() {
        let keys = ["a", "b", "c", "d", "e"];
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..40 {
            let picks = draw(Some(&keys[..]), keys.len(), 2, Seed(seed));
            assert_eq!(picks.len(), 2);
            assert_ne!(keys[picks[0].index], keys[picks[1].index]);
            seen.extend(picks.iter().map(|p| keys[p.index]));
        }
        assert_eq!(seen.len(), 5, "every stratum can be drawn");
    }

    #[test]
    fn a_size_beyond_the_eligible_takes_them_all_in_id_order() {
        let picks = draw(Some(&["a", "b"][..]), 2, 5, Seed(3));
        assert_eq!(picks.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 1]);
        assert!(draw::<()>(None, 0, 5, Seed(3)).is_empty());
    }
}
