//! The domain: plain typed values, code lists, the records and their drafts, the rules that
//! turn one into the other, and the threshold checklist. No I/O here beyond reading a
//! thresholds file, and no word of how a field is typed: the command line, an import and the
//! form each name a refused field their own way.

pub mod amendment;
pub mod audit;
pub mod checklist;
pub mod codes;
pub mod consultation;
pub mod family;
pub mod fields;
pub mod follow_up;
pub mod history;
pub mod ids;
pub mod invalid;
pub mod period;
pub mod record;
pub mod referral;
pub mod review;
pub mod sample;
pub mod text;
pub mod values;
