//! The request parser on arbitrary bytes: it never panics, a complete
//! request never claims more bytes than it was given, and a prefix of a
//! complete request is never itself complete with a different length.
#![no_main]

use kitwork::gateway::http::{HttpLimits, Parsed, header_slots, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = HttpLimits::default();
    let mut slots = header_slots();
    if let Parsed::Complete(req, used) = parse(data, &mut slots, &limits) {
        assert!(used <= data.len());
        assert!(req.path.starts_with('/') || req.path == "*");
        let mut again = header_slots();
        if let Parsed::Complete(_, n) = parse(&data[..used], &mut again, &limits) {
            assert_eq!(n, used);
        }
    }
});
