// Notes in the database (migrations/001_notes.sql makes the table).
//   curl -X POST http://127.0.0.1:8080/notes -H 'content-type: application/json' -d '{"text": "hi"}'
//   curl http://127.0.0.1:8080/notes
work("Notes")
  .get("/notes", () => db().table("notes").orderBy("id").get())
  .post("/notes", () => {
    const { text } = payload();
    if (typeof text !== "string" || text === "") return { status: 400, error: "text is required" };
    return { status: 201, ...db().table("notes").insert({ text }) };
  });
