console.log(new Date(Date.UTC(2024, 12, 1)).toISOString(), new Date(Date.UTC(2024, 0, 32)).toISOString(), new Date(Date.UTC(2024, -1, 1)).toISOString());

// expect: 2025-01-01T00:00:00.000Z 2024-02-01T00:00:00.000Z 2023-12-01T00:00:00.000Z
