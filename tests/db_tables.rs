//! `database.tables`: an operator's list of the tables `db().table()` may
//! name, through the real server; names from user input reach no other.

#[path = "support/server.rs"]
mod server;

use server::*;

#[test]
fn only_listed_tables_are_reachable() {
    let routes = r#"
    work("T").get("/count/:t", () => {
      try { return { n: db().table(params("t")).count() }; }
      catch (e) { return { error: e.message }; }
    });
    "#;
    let s = start_in(
        &[
            ("t.js", routes),
            ("kitwork.toml", "[database]\ntables = [\"notes\"]\n"),
            (
                "migrations/001.sql",
                "CREATE TABLE notes (id INTEGER PRIMARY KEY); CREATE TABLE secrets (id INTEGER PRIMARY KEY);",
            ),
        ],
        &[],
    );
    assert_eq!(get(&s, "/count/notes").body, r#"{"n":0}"#);
    assert_eq!(
        get(&s, "/count/secrets").body,
        r#"{"error":"the table \"secrets\" is not in database.tables"}"#
    );
    assert_eq!(
        get(&s, "/count/kitwork_migrations").body,
        r#"{"error":"the table name \"kitwork_migrations\" is reserved"}"#
    );
}
