//! Deep recursion on a fresh stack segment: the parser, the compiler and the
//! VM's recursive walks (JSON, `flat`) nest as deep as their input.

/// Runs a recursive step on a fresh stack segment when the current one runs
/// low, so nesting depth is bounded by the caller's own limit, not by the
/// thread's stack.
pub fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}
