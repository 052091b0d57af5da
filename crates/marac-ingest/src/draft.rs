//! Profile drafts (to come).
