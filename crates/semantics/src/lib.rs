//! JavaScript's pure semantics, shared by the compiler (constant folding),
//! the VM and the gateway's logs: no values, no heap, no I/O.
//!
//! | module | owns |
//! |---|---|
//! | [`number`] | number printing and parsing, `%`, `**`, int32 conversions, array indices |
//! | [`date`] | time values, the civil calendar, ISO-8601 printing and parsing |
//! | [`quote`] | JSON string literals: the escape scan and short copies |
//! | [`stack`] | recursion deeper than the thread's stack |

pub mod date;
pub mod number;
pub mod quote;
pub mod stack;
