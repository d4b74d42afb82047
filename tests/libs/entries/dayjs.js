import dayjs from "dayjs";
const d = dayjs("2024-02-29T12:34:56Z");
console.log(d.isValid(), d.add(1, "year").format("YYYY-MM-DD"), d.startOf("month").toISOString());
console.log(dayjs("2024-01-01").diff(dayjs("2023-01-01"), "day"));
