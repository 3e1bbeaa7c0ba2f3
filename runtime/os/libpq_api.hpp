// PostgreSQL's client library, loaded the first time a run connects to PostgreSQL instead of at
// process start. Linking libpq made every process (sluice itself and every built executable)
// load it and the two dozen libraries it pulls in (TLS, Kerberos, LDAP, ...): about 18 ms of
// start-up, most of a small pipeline's run, paid even by pipelines that never open a database.
// Only runtime/os/postgres_driver.cpp uses this.
#pragma once

#include <libpq-fe.h>

#include <string>

namespace sluice::os {

// The libpq functions the driver calls, one member per function, named as the function.
#define SLUICE_LIBPQ_FUNCTIONS(X)                                                                                    \
  X(PQclear) X(PQcmdTuples) X(PQconnectdbParams) X(PQerrorMessage) X(PQexec) X(PQexecPrepared) X(PQfinish) X(PQfname) \
  X(PQftype) X(PQgetResult) X(PQgetisnull) X(PQgetlength) X(PQgetvalue) X(PQnfields) X(PQprepare)                   \
  X(PQresultErrorField) X(PQresultErrorMessage) X(PQresultStatus) X(PQsendQueryParams) X(PQsetNoticeProcessor)      \
  X(PQsetSingleRowMode) X(PQstatus)

struct LibPq {
#define SLUICE_LIBPQ_MEMBER(name) decltype(&::name) name = nullptr;
  SLUICE_LIBPQ_FUNCTIONS(SLUICE_LIBPQ_MEMBER)
#undef SLUICE_LIBPQ_MEMBER
};

// Loads libpq once per process (thread-safe); nullptr and `error` set when it cannot be loaded
// or lacks a function. Later calls give the same answer.
const LibPq* load_libpq(std::string& error);

}  // namespace sluice::os
