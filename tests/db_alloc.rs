//! Counts the heap allocations of one warm `db()` request — the seed's
//! `first()` lookup by id — on the core's thread (the query builder, the
//! statement, the wait and the rows turned into values) and in the whole
//! process (adding the driver's own: SQLite's threads or tokio-postgres).
//! The figures are printed so they can be recorded; the bound on the core
//! thread guards against regressions.

use kitwork::runtime::{Services, Setup, driver};
use kitwork::vm::{Limits, Vm};

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
#[path = "support/pg.rs"]
mod pg;
use counting_alloc::{allocations, thread_allocations};

const REQUEST: &str = r#"return db().table("products").where("id", 1).first();"#;
/// The same lookup awaited in an async function, after an `await` too.
const REQUEST_AWAITED: &str = r#"return (async () => { await null; return await db().table("products").where("id", 1).first(); })();"#;
const SETUP: &str = r#"
db().query("CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT, price REAL, stock INTEGER)");
db().table("products").insert({ id: 1, sku: "KW-MUG", price: 12.5, stock: 40 });
"#;

/// (core-thread, whole-process) allocations per request, after warming up.
fn measure(url: &str) -> (f64, f64) {
    measure_request(url, REQUEST)
}

/// `measure` for the script `request`.
fn measure_request(url: &str, request: &str) -> (f64, f64) {
    let setup = Setup::new().with_database(kitwork::runtime::db::Shared::from_url(url));
    let mut vm = Vm::new(Limits::default());
    let prepare = kitwork::compile_file("setup.js", SETUP).unwrap();
    kitwork::run_with(&mut vm, &prepare, &setup).unwrap();
    let request = kitwork::compile_file("request.js", request).unwrap();
    let mut rt = monoio::RuntimeBuilder::<monoio::LegacyDriver>::new()
        .enable_timer()
        .build()
        .unwrap();
    rt.block_on(async {
        let services = Services::new(&setup);
        let main = vm.load(&request);
        let run = async |vm: &mut Vm| {
            let first = vm.start(main);
            let v = driver::finish(vm, &services, first).await.unwrap().unwrap();
            assert!(matches!(v, kitwork::vm::Value::Obj(_)));
        };
        for _ in 0..200 {
            run(&mut vm).await;
        }
        const N: usize = 500;
        let (mine, all) = (thread_allocations(), allocations());
        for _ in 0..N {
            run(&mut vm).await;
        }
        let per = |n: usize| n as f64 / N as f64;
        (per(thread_allocations() - mine), per(allocations() - all))
    })
}

/// Core-thread allocations one warm SQLite lookup makes: the job handed
/// to a SQLite thread and the channel its answer comes back on. The
/// builder's buffers, the statement and the row keys are reused (the
/// 0.1 is room for the rare growth of a timer or pool, amortized).
const CORE_THREAD_BOUND: f64 = 2.1;

#[test]
fn a_warm_lookup_allocates_a_bounded_amount() {
    let (core, all) = measure("sqlite::memory:");
    eprintln!(
        "SQLite: {core:.1} allocations per request on the core thread, {all:.1} in the process"
    );
    assert!(
        core <= CORE_THREAD_BOUND,
        "{core} allocations on the core thread"
    );
    // Awaiting it, in an async function that awaited before, allocates
    // on the core thread what the plain lookup does: the async function's
    // run, its promises and the jobs live in the VM's heap, which a warm
    // request reuses.
    let (awaited, _) = measure_request("sqlite::memory:", REQUEST_AWAITED);
    eprintln!(
        "SQLite, awaited in an async function: {awaited:.1} allocations per request on the core thread"
    );
    assert!(
        awaited <= core + 0.1,
        "{awaited} allocations awaiting the lookup, {core} without"
    );
    if let Some(pg) = pg::url_or_skip("allocations per request on PostgreSQL") {
        // A schema of its own, so the test's table does not collide.
        let schema = pg::Schema::new(&pg, &format!("kw_alloc_{}", std::process::id()));
        let (core, all) = measure(&schema.url());
        eprintln!(
            "PostgreSQL: {core:.1} allocations per request on the core thread (tokio-postgres runs there too), {all:.1} in the process"
        );
    }
}
