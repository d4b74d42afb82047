//! Drives a request's fibers to the end. The root fiber's state lives in
//! the VM; `parallel()` branches and `transaction()` bodies are child
//! fibers, parked in a `Fiber` and swapped in for each step. Every step
//! borrows the VM only while it runs (never across an await), so sibling
//! fibers can wait at the same time and take turns on the one VM.

use super::Services;
use super::db::{Answer, Database, DbError, Expect, Statement, Tx};
use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use vm::{Fiber, Interrupt, Outcome, PendingOp, Uncaught, Value, Vm};

/// A panic while running a request: the VM that hit it is not reused.
#[derive(Debug)]
pub struct Poisoned;

/// Runs one step of the VM, turning a panic into `Poisoned` so one
/// request's failure never takes the core down.
pub fn guarded<T>(step: impl FnOnce() -> T) -> Result<T, Poisoned> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(step)).map_err(|_| Poisoned)
}

pub type Step = Result<Outcome, Uncaught>;
pub type Finished = Result<Result<Value, Uncaught>, Poisoned>;

/// Waits for whatever the running (root) fiber waits on, until it is done.
/// Runs nothing when `first` is already done: handlers that never wait pay
/// nothing here.
pub async fn finish(vm: &mut Vm, services: &Services, first: Step) -> Finished {
    match first {
        Ok(Outcome::Done(v)) => Ok(Ok(v)),
        Err(e) => Ok(Err(e)),
        Ok(Outcome::Pending(op)) => {
            let shared = RefCell::new(vm);
            drive(&shared, services, None, None, Ok(Outcome::Pending(op))).await
        }
    }
}

/// Runs the closures `defer()` registered, last first, each to its end.
/// Their errors are reported and do not change the response.
pub async fn run_deferred(vm: &mut Vm, services: &Services) -> Result<(), Poisoned> {
    run_each(vm, services, DEFERRED_FAILED, |vm| vm.deferred.pop()).await
}

/// Runs the closures `go()` registered, in order, each to its end (the
/// gateway calls this once the response is written).
pub async fn run_background(vm: &mut Vm, services: &Services) -> Result<(), Poisoned> {
    // A go() function may queue more: they run in the next round.
    loop {
        let functions = std::mem::take(&mut vm.background);
        match functions[..] {
            [] => return Ok(()),
            [one] => run_one(vm, services, one).await?,
            _ => run_together(vm, services, &functions).await?,
        }
    }
}

/// Several go() functions at once, as the docs promise (one after another,
/// five `go(() => sleep(200))` ended at +0, +201, +402, +603 and +804 ms).
/// While one waits, the others' state is parked outside the collector's
/// sight, so none of them collects until they all end.
async fn run_together(
    vm: &mut Vm,
    services: &Services,
    functions: &[Value],
) -> Result<(), Poisoned> {
    vm.fibers += 1;
    let shared = RefCell::new(vm);
    let runs: Vec<_> = functions
        .iter()
        .map(|&f| child(&shared, services, None, f))
        .collect();
    let results = futures_util::future::join_all(runs).await;
    let vm = shared.into_inner();
    vm.fibers -= 1;
    for r in results {
        if let Err(e) = r? {
            report(vm, GO_FAILED, &e);
        }
    }
    Ok(())
}

/// Runs one function as a fiber, reporting its failure.
async fn run_one(vm: &mut Vm, services: &Services, f: Value) -> Result<(), Poisoned> {
    let shared = RefCell::new(vm);
    if let Err(e) = child(&shared, services, None, f).await? {
        report(&mut shared.borrow_mut(), GO_FAILED, &e);
    }
    Ok(())
}

/// Calls each closure `next` gives as a fiber of its own, reporting failures.
async fn run_each(
    vm: &mut Vm,
    services: &Services,
    what: &str,
    next: impl Fn(&mut Vm) -> Option<Value>,
) -> Result<(), Poisoned> {
    let shared = RefCell::new(vm);
    loop {
        let f = next(&mut shared.borrow_mut());
        let Some(f) = f else { return Ok(()) };
        if let Err(e) = child(&shared, services, None, f).await? {
            report(&mut shared.borrow_mut(), what, &e);
        }
    }
}

/// How a failed `defer()` function's report starts.
pub const DEFERRED_FAILED: &str = "a deferred function failed";
/// How a failed `go()` function's report starts.
pub const GO_FAILED: &str = "a go() function failed";

/// Writes a background failure where the VM's output goes.
pub fn report(vm: &mut Vm, what: &str, e: &Uncaught) {
    vm.print(&format!("{what}: {}\n", e.report));
}

/// One step of a fiber: the root runs in place, a child is swapped in and
/// out around it.
fn step<T>(
    vm: &RefCell<&mut Vm>,
    fiber: &mut Option<&mut Fiber>,
    f: impl FnOnce(&mut Vm) -> T,
) -> Result<T, Poisoned> {
    let mut vm = vm.borrow_mut();
    if let Some(fb) = fiber.as_deref_mut() {
        vm.swap_fiber(fb);
    }
    let r = guarded(|| f(&mut vm));
    if let Some(fb) = fiber.as_deref_mut() {
        vm.swap_fiber(fb);
    }
    r
}

/// Runs `f()` as a new fiber until it ends.
fn child<'a, 'v>(
    vm: &'a RefCell<&'v mut Vm>,
    services: &'a Services,
    tx: Option<&'a Tx>,
    f: Value,
) -> Pin<Box<dyn Future<Output = Finished> + 'a>> {
    Box::pin(async move {
        // While it runs, the state it displaces is parked out of the
        // collector's sight (see `Vm::fibers`), unless there is none: a
        // `defer()` or `go()` function runs after its request's handler
        // ended, and may collect.
        let parks = !vm.borrow().is_idle();
        if parks {
            vm.borrow_mut().fibers += 1;
        }
        let mut fiber = Fiber::default();
        let finished = match step(vm, &mut Some(&mut fiber), |vm| vm.start_call(f, &[])) {
            Ok(first) => drive(vm, services, tx, Some(&mut fiber), first).await,
            Err(poisoned) => Err(poisoned),
        };
        if parks {
            vm.borrow_mut().fibers -= 1;
        }
        finished
    })
}

async fn drive<'a, 'v>(
    vm: &'a RefCell<&'v mut Vm>,
    services: &'a Services,
    tx: Option<&'a Tx>,
    mut fiber: Option<&mut Fiber>,
    mut outcome: Step,
) -> Finished {
    loop {
        let op = match outcome {
            Err(e) => return Ok(Err(e)),
            Ok(Outcome::Done(v)) => return Ok(Ok(v)),
            Ok(Outcome::Pending(op)) => op,
        };
        // A run that ended sends nothing: what it did not wait for is
        // dropped with it, unless it goes on past its answer
        // (`ctx.waitUntil`), whose drive sends what it left.
        send_fetches(vm, services, &mut fiber)?;
        outcome = match op {
            PendingOp::Sleep { ms } => {
                monoio::time::sleep(vm::io::wait_ms(ms)).await;
                step(vm, &mut fiber, |vm| vm.resume(Value::Undefined))?
            }
            PendingOp::Db(mut st) => {
                let expect = st.expect;
                let limit = services.db_timeout;
                st.deadline = Some(std::time::Instant::now() + limit);
                let (answer, back) = match &services.db {
                    // SQLite stops itself at the deadline and PostgreSQL
                    // cancels the statement itself (`statement_timeout`);
                    // this stops waiting on a server that does not answer.
                    // Its margin lets the server's own answer arrive first:
                    // with a 10 ms margin a loaded machine lost that race.
                    Some(db) => {
                        let backstop =
                            limit + (limit / 10).max(std::time::Duration::from_millis(250));
                        // A read outside a transaction, before the request
                        // wrote, goes to a replica when one is current.
                        let st = match services.replicas.is_empty() || tx.is_some() {
                            true => Ok(st),
                            false => Box::pin(from_replica(vm, services, st, backstop)).await,
                        };
                        match st {
                            Err(ran) => ran,
                            Ok(st) => match monoio::time::timeout(backstop, db.run(st, tx)).await {
                                Ok(ran) => ran,
                                Err(_) => (
                                    Err(DbError::Query(format!(
                                        "the query ran past its time limit ({} ms, database.timeout_ms)",
                                        limit.as_millis()
                                    ))),
                                    None,
                                ),
                            },
                        }
                    }
                    None => (Err(no_database(services)), Some(st)),
                };
                step(vm, &mut fiber, |vm| {
                    if let Some(st) = back {
                        vm.queries.recycle(st);
                    }
                    resume_db(vm, expect, answer)
                })?
            }
            PendingOp::Http(req) => {
                let answer = services.http.send(*req).await;
                step(vm, &mut fiber, |vm| match answer {
                    Ok(r) => match vm::http_response(vm, r) {
                        Ok(v) => vm.resume(v),
                        Err(e) => Err(vm.uncaught(e)),
                    },
                    Err(f) => {
                        let error = vm::http_failure(vm, &f);
                        vm.resume_throw(error)
                    }
                })?
            }
            PendingOp::Kv(command) => {
                let answer = services.kv.run(&command).await;
                step(vm, &mut fiber, |vm| resume_kv(vm, command, answer))?
            }
            PendingOp::Fetches { ms } => {
                let (inbox, ids) = step(vm, &mut fiber, |vm| {
                    (vm.fetch_inbox.clone(), vm.fetch_ids())
                })?;
                let next = std::future::poll_fn(|cx| inbox.poll_take(cx, &ids));
                let answer = match ms.is_finite() {
                    true => monoio::time::timeout(vm::io::wait_ms(ms), next).await.ok(),
                    false => Some(next.await),
                };
                step(vm, &mut fiber, |vm| {
                    if let Some((id, a)) = answer {
                        vm.complete_fetch(id, a)?;
                    }
                    vm.resume(Value::Undefined)
                })?
            }
            PendingOp::RequestBody => {
                let source = step(vm, &mut fiber, |vm| vm.request_body.clone())?;
                let chunk = match source {
                    Some(s) => std::future::poll_fn(|cx| s.poll_chunk(cx)).await,
                    None => None,
                };
                step(vm, &mut fiber, |vm| match chunk {
                    Some(Ok(bytes)) => match vm.new_uint8_array(&bytes) {
                        Ok(v) => vm.resume(v),
                        Err(e) => Err(vm.uncaught(e)),
                    },
                    None => vm.resume(Value::Null),
                    Some(Err(e)) => {
                        let error = vm::request_body_error(vm, &e);
                        vm.resume_throw(error)
                    }
                })?
            }
            PendingOp::Parallel(p) => {
                let vm::io::Parallel { tasks, keys } = *p;
                let branches: Vec<_> = tasks.iter().map(|&f| child(vm, services, tx, f)).collect();
                let results = futures_util::future::join_all(branches).await;
                let mut values = Vec::with_capacity(results.len());
                let mut failed = None;
                for r in results {
                    match r? {
                        Ok(v) => values.push(v),
                        // A budget stop ends the whole request.
                        Err(e) if e.budget.is_some() => return Ok(Err(e)),
                        Err(e) => {
                            values.push(Value::Undefined);
                            failed.get_or_insert(e.value);
                        }
                    }
                }
                step(vm, &mut fiber, |vm| match failed {
                    Some(e) => vm.resume_throw(e),
                    None => match gather(vm, &values, keys.as_deref()) {
                        Ok(v) => vm.resume(v),
                        Err(e) => Err(vm.uncaught(e)),
                    },
                })?
            }
            // Inside a transaction, a transaction is a savepoint on its
            // connection: beginning another one waited forever on the
            // write lock the outer one holds (SQLite), and held it after.
            PendingOp::Transaction { body } if tx.is_some() => {
                let (Some(db), Some(outer)) = (&services.db, tx) else {
                    unreachable!("a transaction runs on a database")
                };
                // The body's outcome, or why the savepoint could not begin.
                let r = match savepoint(db, outer, "SAVEPOINT kitwork_nested").await {
                    Err(e) => Err(e),
                    Ok(()) => Ok(child(vm, services, tx, body).await?),
                };
                let ended = match &r {
                    Ok(Ok(_)) => savepoint(db, outer, "RELEASE kitwork_nested").await,
                    Ok(Err(_)) => {
                        let undo = "ROLLBACK TO kitwork_nested; RELEASE kitwork_nested";
                        savepoint(db, outer, undo).await
                    }
                    Err(_) => Ok(()),
                };
                match (r, ended) {
                    (Err(e), _) | (Ok(Ok(_)), Err(e)) => {
                        step(vm, &mut fiber, |vm| throw_db_error(vm, &e))?
                    }
                    (Ok(Err(e)), _) if e.budget.is_some() => return Ok(Err(e)),
                    (Ok(Err(e)), _) => step(vm, &mut fiber, |vm| vm.resume_throw(e.value))?,
                    (Ok(Ok(v)), Ok(())) => step(vm, &mut fiber, |vm| vm.resume(v))?,
                }
            }
            PendingOp::Transaction { body } => {
                // What it wrote must be read back from the primary.
                vm.borrow_mut().queries.wrote = true;
                // Waiting for the write lock is bounded like a statement.
                let begun = match &services.db {
                    Some(db) => {
                        match monoio::time::timeout(services.db_timeout, db.begin()).await {
                            Ok(begun) => begun.map(|tx| (db, tx)),
                            Err(_) => Err(DbError::Query(format!(
                                "no transaction could begin within {} ms (database.timeout_ms): another one holds the database",
                                services.db_timeout.as_millis()
                            ))),
                        }
                    }
                    None => Err(no_database(services)),
                };
                match begun {
                    Err(e) => step(vm, &mut fiber, |vm| throw_db_error(vm, &e))?,
                    Ok((db, inner)) => {
                        let r = child(vm, services, Some(&inner), body).await?;
                        let ended = db.finish(inner, r.is_ok()).await;
                        match (r, ended) {
                            (Err(e), _) if e.budget.is_some() => return Ok(Err(e)),
                            (Err(e), _) => step(vm, &mut fiber, |vm| vm.resume_throw(e.value))?,
                            (Ok(_), Err(e)) => step(vm, &mut fiber, |vm| throw_db_error(vm, &e))?,
                            (Ok(v), Ok(())) => step(vm, &mut fiber, |vm| vm.resume(v))?,
                        }
                    }
                }
            }
        };
    }
}

/// Sends the requests the fiber's `fetch` calls made, each on a task of
/// its own that puts the answer in the VM's inbox (vm/src/fetches.rs):
/// they go on while the fiber runs or waits for anything else, and past
/// the run's answer (`ctx.waitUntil`). Each is bounded by its timeout.
fn send_fetches(
    vm: &RefCell<&mut Vm>,
    services: &Services,
    fiber: &mut Option<&mut Fiber>,
) -> Result<(), Poisoned> {
    let (requests, inbox) = step(vm, fiber, |vm| (vm.take_fetches(), vm.fetch_inbox.clone()))?;
    for (id, req) in requests {
        let (http, inbox) = (services.http.clone(), inbox.clone());
        monoio::spawn(async move {
            let answer = http.send(*req).await;
            inbox.deliver(id, answer);
        });
    }
    Ok(())
}

/// Runs a savepoint command on the transaction's connection.
async fn savepoint(db: &Database, tx: &Tx, sql: &str) -> Result<(), DbError> {
    let st = Statement::new(sql.to_string(), Vec::new(), Expect::Script);
    db.run(Box::new(st), Some(tx)).await.0.map(|_| ())
}

fn no_database(services: &Services) -> DbError {
    DbError::Unavailable(match &services.db_error {
        Some(e) => format!("no database: {e}"),
        None => "no database is configured (set database.url)".into(),
    })
}

/// Resumes a fiber waiting on the database with its answer, or throws the
/// database's error at it.
fn resume_db(vm: &mut Vm, expect: Expect, answer: Result<Answer, DbError>) -> Step {
    match answer {
        Ok(a) => match vm::db_value(vm, expect, a) {
            Ok(v) => vm.resume(v),
            Err(e) => Err(vm.uncaught(e)),
        },
        Err(e) => throw_db_error(vm, &e),
    }
}

/// Runs a statement on a replica when it may (`db::replicas`): what it
/// ran, or the statement back for the primary (a write, a request that
/// wrote, no replica current, or the replica failed to answer).
async fn from_replica(
    vm: &RefCell<&mut Vm>,
    services: &Services,
    st: Box<Statement>,
    backstop: std::time::Duration,
) -> Result<Box<Statement>, super::db::Ran> {
    if !super::db::replicas::reads_only(&st.sql) {
        vm.borrow_mut().queries.wrote = true;
        return Ok(st);
    }
    if vm.borrow().queries.wrote {
        return Ok(st);
    }
    let Some(i) = services.replicas.pick().await else {
        return Ok(st);
    };
    match monoio::time::timeout(backstop, services.replicas.run(i, st)).await {
        Ok((Err(DbError::Unavailable(e)), Some(st))) => {
            services.replicas.failed(i, &e);
            Ok(st)
        }
        Ok(ran) => Err(ran),
        Err(_) => {
            services.replicas.failed(i, "it did not answer in time");
            Err((
                Err(DbError::Unavailable(
                    "a read replica did not answer in time".into(),
                )),
                None,
            ))
        }
    }
}

/// Resumes a run with its `kv()` command's reply: read by the command's
/// shape, or handed to the native that sent it (`Command::then`).
fn resume_kv(
    vm: &mut Vm,
    command: Box<vm::io::kv::Command>,
    answer: Result<vm::io::kv::Reply, vm::io::kv::KvError>,
) -> Step {
    let (shape, then) = (command.shape, command.then);
    vm::kv_recycle(vm, command);
    let read = match (then, answer) {
        (Some(then), answer) => then(vm, answer),
        (None, Ok(reply)) => vm::kv_value(vm, shape, reply),
        (None, Err(e)) => Err(vm::Interrupt::Throw(vm::kv_error(vm, &e))),
    };
    match read {
        Ok(v) => vm.resume(v),
        Err(vm::Interrupt::Throw(e)) => vm.resume_throw(e),
        Err(vm::Interrupt::Error(e)) => {
            let error = vm.make_error(e.0, &e.1);
            vm.resume_throw(error)
        }
        Err(other) => Err(vm.uncaught(other)),
    }
}

/// Throws the database's error at the waiting call.
fn throw_db_error(vm: &mut Vm, e: &DbError) -> Step {
    let error = vm::db_error(vm, e);
    vm.resume_throw(error)
}

/// `parallel()`'s result in the shape it was given.
fn gather(vm: &mut Vm, values: &[Value], keys: Option<&[vm::Atom]>) -> Result<Value, Interrupt> {
    match keys {
        None => vm.new_array(values),
        Some(keys) => {
            let o = vm.new_object()?;
            for (&k, &v) in keys.iter().zip(values) {
                vm.define_own(o, k, v)?;
            }
            Ok(Value::Obj(o))
        }
    }
}
