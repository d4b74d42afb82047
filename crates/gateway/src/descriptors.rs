//! The process's file-descriptor budget: the soft limit is raised to the
//! hard one at start (as Go's runtime and most servers do), and what is
//! left after a reserve is shared between the cores as their connection
//! limit, so a flood of connections waits in the listen backlog instead
//! of running the process out of descriptors.

/// Descriptors kept back for everything that is not a client connection:
/// the database's connections and files, `http()`'s sockets, the admin
/// listener, reload's watcher, logs.
const RESERVED: u64 = 256;

/// Raises the soft `RLIMIT_NOFILE` to the hard limit; returns the soft
/// limit in force afterwards (0 if it cannot be read).
pub fn raise_limit() -> u64 {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit only read or write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return 0;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    limit.rlim_cur
}

/// Each core's share of `limit` descriptors, at least 1. A small limit
/// keeps a quarter back rather than all of `RESERVED`.
pub fn connections_per_core(limit: u64, cores: usize) -> usize {
    let share = (limit - RESERVED.min(limit / 4)) / cores.max(1) as u64;
    share.clamp(1, usize::MAX as u64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_what_the_reserve_leaves() {
        assert_eq!(connections_per_core(1024, 2), 384);
        assert_eq!(connections_per_core(64, 2), 24);
        assert_eq!(connections_per_core(0, 2), 1);
        assert_eq!(connections_per_core(1 << 20, 1), (1 << 20) - 256);
    }
}
