//! Counts the heap allocations of one warm `kv().get` — the command built,
//! sent, answered and turned into a value — on the local store and on the
//! real Redis (`KITWORK_TEST_REDIS`). The figures are printed so they can
//! be recorded; the bounds guard against regressions.

use kitwork::runtime::kv::{Setup as KvSetup, Target};
use kitwork::runtime::{Services, Setup, driver};
use kitwork::vm::{Limits, Vm};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
#[path = "support/redis.rs"]
mod redis;
use counting_alloc::{allocations, thread_allocations};

/// A stored number: its value needs no allocation of its own, so what is
/// counted is the path's.
const PREPARE: &str = r#"kv().set(KEY, 12345);"#;
const REQUEST: &str = r#"return kv().get(KEY);"#;

/// Allocations per warm `get`: on the core thread, and in the process.
fn measure(target: Target, key: &str) -> (f64, f64) {
    let mut setup = Setup::new();
    setup.kv = KvSetup {
        target,
        ..KvSetup::default()
    };
    let key = format!("{key:?}");
    let prepare = kitwork::compile_file("prepare.js", &PREPARE.replace("KEY", &key)).unwrap();
    let request = kitwork::compile_file("request.js", &REQUEST.replace("KEY", &key)).unwrap();
    let mut vm = Vm::new(Limits::default());
    let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
        .enable_timer()
        .build()
        .unwrap();
    rt.block_on(async {
        // One core's services for both scripts: the local store is the core's.
        let services = Services::new(&setup);
        let run = async |vm: &mut Vm, program| {
            let main = vm.load(program);
            let first = vm.start(main);
            driver::finish(vm, &services, first).await.unwrap().unwrap()
        };
        run(&mut vm, &prepare).await;
        let main = vm.load(&request);
        let get = async |vm: &mut Vm| {
            let first = vm.start(main);
            let v = driver::finish(vm, &services, first).await.unwrap().unwrap();
            assert!(matches!(v, kitwork::vm::Value::Num(n) if n == 12345.0));
        };
        for _ in 0..200 {
            get(&mut vm).await;
        }
        const N: usize = 1000;
        let (mine, all) = (thread_allocations(), allocations());
        for _ in 0..N {
            get(&mut vm).await;
        }
        let per = |n: usize| n as f64 / N as f64;
        let per = (per(thread_allocations() - mine), per(allocations() - all));
        let clean = kitwork::compile_file("clean.js", &format!("kv().del({key});")).unwrap();
        run(&mut vm, &clean).await;
        per
    })
}

/// The local store copies the stored text out (the reply), which is the
/// value itself.
const LOCAL_BOUND: f64 = 1.1;
/// Redis: the reply's text (the value itself) and nothing else.
const REDIS_BOUND: f64 = 1.1;

#[test]
fn a_warm_get_allocates_only_its_value() {
    let (local, all) = measure(Target::Local, "alloc");
    eprintln!(
        "local store: {local:.2} allocations per kv().get on the core thread, {all:.2} in the process"
    );
    assert!(local <= LOCAL_BOUND, "{local} allocations per local get");
    let Some(url) = redis::url_or_skip("the Redis half of a_warm_get_allocates_only_its_value")
    else {
        return;
    };
    let key = format!("kitwork-alloc:{}", std::process::id());
    let (redis, all) = measure(Target::parse(&url).unwrap(), &key);
    eprintln!(
        "Redis: {redis:.2} allocations per kv().get on the core thread, {all:.2} in the process"
    );
    assert!(redis <= REDIS_BOUND, "{redis} allocations per Redis get");
}
