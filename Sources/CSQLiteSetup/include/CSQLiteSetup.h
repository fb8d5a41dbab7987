#ifndef CSQLITESETUP_H
#define CSQLITESETUP_H

/// Configures the SQLite library for the platform before any connection opens: no mutex per
/// connection (every connection is used by one thread at a time, as GRDB serialises access to
/// it) and no memory statistics (whose global mutex every allocation takes). Returns
/// SQLITE_OK, or SQLITE_MISUSE when the library was already in use, in which case it keeps
/// its defaults. Swift cannot call `sqlite3_config`, a variadic C function, itself.
int penguins_sqlite_configure(void);

#endif
