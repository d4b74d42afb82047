// Cookies, headers and redirects.
//   curl -i http://127.0.0.1:8080/login?user=ann
//   curl -i http://127.0.0.1:8080/me -H 'cookie: session=ann'
work("Session")
  .get("/login", () => {
    cookie("session", query("user") ?? "guest", { httpOnly: true, path: "/", maxAge: 3600, sameSite: "Lax" });
    redirect("/me");
  })
  .get("/me", () => {
    const who = cookie("session");
    if (!who) {
      status(401);
      return { error: "not logged in" };
    }
    header("Cache-Control", "no-store");
    return { user: who, agent: header("user-agent") ?? "unknown" };
  });
