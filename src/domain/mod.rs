//! The domain: plain types, code lists, validation and the threshold checklist. No I/O here
//! beyond reading a thresholds file.

pub mod amendment;
pub mod checklist;
pub mod codes;
pub mod consultation;
pub mod dates;
pub mod follow_up;
pub mod history;
pub mod ids;
pub mod period;
pub mod referral;
pub mod review;
pub mod text;
