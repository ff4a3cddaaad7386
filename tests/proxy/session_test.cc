// rlsq-proxy's protocol state machine (proxy/session.cc) at the byte level, the test playing client and server.
// The same rules run against a real PostgreSQL 15 and real drivers in tests/proxy/test_*.py.
#include "proxy/session.h"

#include <fstream>
#include <sstream>

#include "gtest/gtest.h"
#include "tests/proxy/session_driver.h"

namespace rlsq_proxy {
namespace {

using namespace rlsq_proxy::testing;

std::string ExamplePolicy() {
  std::ifstream in(std::string(RLSQ_SOURCE_DIR) + "/examples/policy.json");
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class SessionTest : public ::testing::Test {
 protected:
  SessionTest() : d(ExamplePolicy()) {}
  void SetUp() override { ASSERT_TRUE(d.Login("alice")); }
  // The server's error for the proxy's refusal marker (what PostgreSQL answers a Query or Bind naming it).
  std::string MarkerError() {
    return ServerError("26000", "prepared statement \"" + d.context().refusal_marker() + "\" does not exist");
  }
  SessionDriver d;
};

TEST_F(SessionTest, LoginAnswersWithTheProxysOwnKeyAndTheServersParameters) {
  SessionDriver fresh(ExamplePolicy());
  std::string body = CStr("user") + CStr("alice") + CStr("database") + CStr("tpch") + std::string(1, '\0');
  std::string packet;
  wire::AppendStartupPacket(&packet, wire::kProtocol30, body);
  fresh.Client(packet);
  EXPECT_EQ(Types(fresh.TakeClient()), "R");  // AuthenticationOk (trusted socket)
  ASSERT_TRUE(fresh.session().wants_server_connection());
  fresh.session().OnServerConnected();
  std::string startup = fresh.TakeServer();
  EXPECT_NE(startup.find(std::string("user\0rlsq_service\0", 18)), std::string::npos);
  EXPECT_NE(startup.find(std::string("client_encoding\0UTF8\0", 21)), std::string::npos);
  fresh.Server(Msg('R', Int32(0)) + Msg('S', CStr("server_version") + CStr("15.18")) +
               Msg('K', Int32(4242) + Int32(99)) + Ready('I'));
  auto q = Messages(fresh.TakeServer());
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].second, CStr("SELECT pg_catalog.current_schemas(false)"));
  EXPECT_FALSE(fresh.session().ready());  // the client hears nothing before the search path is known
  fresh.Server(RowDescription1("current_schemas") + DataRow1("{\"Sales\",public}") + CommandComplete("SELECT 1") +
               Ready('I'));
  auto hello = Messages(fresh.TakeClient());
  ASSERT_EQ(hello.size(), 3u);
  EXPECT_EQ(hello[0].first, 'S');
  EXPECT_EQ(hello[1].first, 'K');
  EXPECT_NE(hello[1].second, Int32(4242) + Int32(99));  // never the server's key
  EXPECT_EQ(hello[2].first, 'Z');
  EXPECT_EQ(fresh.session().search_path(), (std::vector<std::string>{"Sales", "public"}));
}

TEST_F(SessionTest, SimpleQueryIsRewrittenAndAnswersPassThrough) {
  d.Client(Query("SELECT count(*) FROM orders"));
  auto sent = Messages(d.TakeServer());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].first, 'Q');
  EXPECT_NE(sent[0].second.find("o_orderpriority <> '1-URGENT'"), std::string::npos) << sent[0].second;
  std::string answer = RowDescription1("count") + DataRow1("12037") + CommandComplete("SELECT 1") + Ready('I');
  d.Server(answer);
  EXPECT_EQ(d.TakeClient(), answer);
}

TEST_F(SessionTest, RefusedQueryGoesToTheServerAsTheMarkerAndTheProxysErrorReplacesItsAnswer) {
  d.Client(Query("DELETE FROM orders"));
  auto sent = Messages(d.TakeServer());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].second, CStr(d.context().refusal_marker()));  // nothing of the client's text
  d.Server(ServerError("42601", "syntax error at or near \"" + d.context().refusal_marker() + "\"", 1) + Ready('T'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].first, 'E');
  EXPECT_EQ(Field(got[0].second, 'C'), "42501");
  EXPECT_EQ(Field(got[0].second, 'P'), "1");
  EXPECT_EQ(got[1], std::make_pair('Z', std::string("T")));  // the server's own status
}

TEST_F(SessionTest, InAnAbortedTransactionTheServersOwnErrorStands) {
  d.Client(Query("DELETE FROM orders"));
  d.TakeServer();
  std::string aborted = ServerError("25P02", "current transaction is aborted, commands ignored until end of "
                                             "transaction block") + Ready('E');
  d.Server(aborted);
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(Field(got[0].second, 'C'), "25P02");
  EXPECT_EQ(got[1].second, "E");
}

TEST_F(SessionTest, ExtendedRefusalDiscardsUntilSyncBehindTheAnswersBeforeIt) {
  d.Client(Parse("", "SELECT 1") + Bind("", "") + Execute() + Parse("s2", "DELETE FROM orders") + Bind("", "s2") +
           Describe('P', "") + Execute() + Sync());
  std::string bytes = d.TakeServer();
  // Parse, Bind, Execute, the marker's Bind, Sync: the refused message and the rest of its batch are not sent.
  ASSERT_EQ(Types(bytes), "PBEBS");
  auto sent = Messages(bytes);
  EXPECT_NE(sent[3].second.find(d.context().refusal_marker()), std::string::npos);
  d.Server(Msg('1', "") + Msg('2', "") + DataRow1("1") + CommandComplete("SELECT 1") + MarkerError() + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 6u);
  EXPECT_EQ(std::string() + got[0].first + got[1].first + got[2].first + got[3].first + got[4].first + got[5].first,
            "12DCEZ");
  EXPECT_EQ(Field(got[4].second, 'C'), "42501");
  EXPECT_EQ(got[5].second, "I");
  // The next batch is read again.
  d.Client(Parse("", "SELECT 2") + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "PS");
}

TEST_F(SessionTest, AnEarlierServerErrorInTheBatchStandsAndTheRefusalNeverHappened) {
  d.Client(Parse("", "SELECT 1/0") + Bind("", "") + Execute() + Parse("", "DELETE FROM t") + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "PBEBS");
  d.Server(Msg('1', "") + Msg('2', "") + ServerError("22012", "division by zero") + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(Field(got[2].second, 'C'), "22012");
  EXPECT_EQ(got[3].second, "I");
}

TEST_F(SessionTest, ParseIsRewrittenOnceAndKeepsTheClientsParameters) {
  d.Client(Msg('P', CStr("s1") + CStr("SELECT * FROM orders WHERE o_orderkey = $1") + Int16(1) + Int32(23)) +
           Bind("", "s1") + Execute() + Sync());
  auto sent = Messages(d.TakeServer());
  ASSERT_EQ(sent.size(), 4u);
  EXPECT_NE(sent[0].second.find("$1"), std::string::npos);
  EXPECT_NE(sent[0].second.find("o_orderpriority"), std::string::npos);
  EXPECT_EQ(sent[0].second.substr(sent[0].second.size() - 6), Int16(1) + Int32(23));  // the parameter types
}

TEST_F(SessionTest, ServerErrorsAboutRewrittenTextLoseTheirPositionAndInternalQuery) {
  d.Client(Query("SELECT o_bogus FROM orders"));
  d.TakeServer();
  std::string body = "SERROR" + std::string(1, '\0') + "C" + CStr("42703") + "M" +
                     CStr("column \"o_bogus\" does not exist") + "P" + CStr("8") + "q" + CStr("internal") + '\0';
  d.Server(Msg('E', body) + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(Field(got[0].second, 'C'), "42703");
  EXPECT_EQ(Field(got[0].second, 'P'), "");
  EXPECT_EQ(Field(got[0].second, 'q'), "");
}

TEST_F(SessionTest, ServerMessagesQuotingTheInjectedPredicateAreReplaced) {
  d.Client(Query("SELECT count(*) FROM orders"));
  d.TakeServer();
  d.Server(ServerError("22P02", "invalid input syntax for type integer: \"1-URGENT\"", 40) + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(Field(got[0].second, 'C'), "22P02");
  EXPECT_EQ(Field(got[0].second, 'M').find("1-URGENT"), std::string::npos) << Field(got[0].second, 'M');
  EXPECT_EQ(Field(got[0].second, 'P'), "");
  // The same error about an unchanged statement is the server's, whole.
  d.Client(Query("SELECT 1"));
  d.TakeServer();
  d.Server(ServerError("22P02", "invalid input syntax for type integer: \"x\"", 8) + Ready('I'));
  got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(Field(got[0].second, 'M'), "invalid input syntax for type integer: \"x\"");
  EXPECT_EQ(Field(got[0].second, 'P'), "8");
}

TEST_F(SessionTest, ExecuteOfARewrittenStatementIsSanitisedToo) {
  d.Client(Parse("s1", "SELECT count(*) FROM orders") + Bind("p1", "s1") + Execute("p1") + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "PBES");
  d.Server(Msg('1', "") + Msg('2', "") + ServerError("22P02", "bad value \"1-URGENT\"", 30) + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(Field(got[2].second, 'M').find("1-URGENT"), std::string::npos);
  EXPECT_EQ(Field(got[2].second, 'P'), "");
}

TEST_F(SessionTest, SearchPathIsReadBackFromTheServerBeforeTheNextQuery) {
  d.Client(Query("SET search_path = other, public") + Query("SELECT count(*) FROM orders"));
  auto sent = Messages(d.TakeServer());
  ASSERT_EQ(sent.size(), 1u);  // the query waits
  d.Server(CommandComplete("SET") + Ready('I'));
  EXPECT_EQ(Types(d.TakeClient()), "CZ");
  auto resync = Messages(d.TakeServer());
  ASSERT_EQ(resync.size(), 1u);
  EXPECT_EQ(resync[0].second, CStr("SELECT pg_catalog.current_schemas(false)"));
  d.Server(RowDescription1("current_schemas") + DataRow1("{other,public}") + CommandComplete("SELECT 1") +
           Ready('I'));
  EXPECT_EQ(d.TakeClient(), "");  // the proxy's own query is not shown
  EXPECT_EQ(d.session().search_path(), (std::vector<std::string>{"other", "public"}));
  auto next = Messages(d.TakeServer());
  ASSERT_EQ(next.size(), 1u);
  EXPECT_EQ(next[0].first, 'Q');
}

TEST_F(SessionTest, AQueryAfterASearchPathChangeInTheSameMessageIsRefused) {
  d.Client(Query("SET search_path = other; SELECT 1 FROM orders"));
  auto sent = Messages(d.TakeServer());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].second, CStr(d.context().refusal_marker()));
}

TEST_F(SessionTest, PreparedStatementIsRecheckedAfterAPolicyChange) {
  d.Client(Parse("s1", "SELECT count(*) FROM orders") + Sync());
  d.TakeServer();
  d.Server(Msg('1', "") + Ready('I'));
  d.TakeClient();
  // The same policy reloaded: the statement reads the same, the Bind goes through.
  ASSERT_TRUE(d.context().mutable_engine().ReloadFromJson(ExamplePolicy()).ok());
  d.Client(Bind("", "s1") + Execute() + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "BES");
  d.Server(Msg('2', "") + DataRow1("1") + CommandComplete("SELECT 1") + Ready('I'));
  d.TakeClient();
  // A policy that changes alice's filter on orders: the prepared text would now differ.
  std::string changed = ExamplePolicy();
  size_t at = changed.find("o_orderpriority <> '1-URGENT'");
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, 29, "o_orderpriority <> '2-HIGH'  ");
  ASSERT_TRUE(d.context().mutable_engine().ReloadFromJson(changed).ok());
  d.Client(Bind("", "s1") + Execute() + Sync());
  auto sent = Messages(d.TakeServer());
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_NE(sent[0].second.find(d.context().refusal_marker()), std::string::npos);
  d.Server(MarkerError() + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(Field(got[0].second, 'C'), "0A000");
  EXPECT_NE(Field(got[0].second, 'M').find("prepare it again"), std::string::npos);
}

// A session statement prepared by Parse takes effect when it is executed: the search path is read back after the
// batch that binds it, not after the one that parses it.
TEST_F(SessionTest, APreparedSetSearchPathIsFollowedWhenItRuns) {
  d.Client(Parse("s", "SET search_path = staging") + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "PS");
  d.Server(Msg('1', "") + Ready('I'));
  EXPECT_EQ(Types(d.TakeClient()), "1Z");
  EXPECT_EQ(d.TakeServer(), "");  // parsing it changed nothing
  d.Client(Bind("", "s") + Execute() + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "BES");
  d.Server(Msg('2', "") + CommandComplete("SET") + Ready('I'));
  auto resync = Messages(d.TakeServer());
  ASSERT_EQ(resync.size(), 1u);
  EXPECT_EQ(resync[0].second, CStr("SELECT pg_catalog.current_schemas(false)"));
  d.Server(RowDescription1("current_schemas") + DataRow1("{staging}") + CommandComplete("SELECT 1") + Ready('I'));
  EXPECT_EQ(d.session().search_path(), (std::vector<std::string>{"staging"}));
}

TEST_F(SessionTest, ABindAfterASearchPathChangeInTheSameBatchIsRefused) {
  d.Client(Parse("q", "SELECT count(*) FROM orders") + Parse("s", "SET search_path = staging") + Sync());
  d.TakeServer();
  d.Server(Msg('1', "") + Msg('1', "") + Ready('I'));
  d.TakeClient();
  d.Client(Bind("", "s") + Execute() + Bind("", "q") + Execute() + Sync());
  std::string sent = d.TakeServer();
  EXPECT_EQ(Types(sent), "BEBS");  // the second Bind became the marker
  EXPECT_NE(sent.find(d.context().refusal_marker()), std::string::npos);
}

TEST_F(SessionTest, ABindOfAStatementTheProxyDoesNotKnowIsRefused) {
  d.Client(Bind("", "never_parsed") + Execute() + Sync());
  std::string sent = d.TakeServer();
  EXPECT_EQ(Types(sent), "BS");
  EXPECT_NE(sent.find(d.context().refusal_marker()), std::string::npos);
  d.Server(MarkerError() + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(Field(got[0].second, 'C'), "26000");
}

TEST_F(SessionTest, StatementNamesAgreeOnTheirFirst63BytesAsOnTheServer) {
  const std::string base(63, 'a');
  d.Client(Parse(base + "X", "SELECT count(*) FROM orders") + Sync());
  d.TakeServer();
  d.Server(Msg('1', "") + Ready('I'));
  d.TakeClient();
  d.Client(Bind("", base + "Y") + Execute() + Sync());  // the same statement for PostgreSQL
  EXPECT_EQ(Types(d.TakeServer()), "BES");
  ASSERT_TRUE(d.context().mutable_engine().ReloadFromJson(ExamplePolicy()).ok());
  d.Server(Msg('2', "") + CommandComplete("SELECT 1") + Ready('I'));
  d.TakeClient();
}

TEST_F(SessionTest, AParseTheServerSkippedLeavesTheUnnamedStatement) {
  d.Client(Parse("", "SELECT count(*) FROM orders") + Sync());
  d.TakeServer();
  d.Server(Msg('1', "") + Ready('I'));
  d.TakeClient();
  // An error first; the server skips the Parse behind it, and the old unnamed statement stays, as the proxy knows.
  d.Client(Msg('C', std::string("S") + CStr("x")) + Bind("", "") + Parse("", "SELECT 1") + Sync());
  d.TakeServer();
  d.Server(Msg('3', "") + ServerError("22012", "division by zero") + Ready('I'));
  d.TakeClient();
  d.Client(Bind("", "") + Execute() + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "BES");  // known: checked and forwarded
}

TEST_F(SessionTest, ANewUnnamedParseInTheSameBatchIsTheOnlyCandidate) {
  d.Client(Parse("", "SELECT count(*) FROM orders") + Sync());
  d.TakeServer();
  d.Server(Msg('1', "") + Ready('I'));
  d.TakeClient();
  std::string changed = ExamplePolicy();
  size_t at = changed.find("o_orderpriority <> '1-URGENT'");
  ASSERT_NE(at, std::string::npos);
  changed.replace(at, 29, "o_orderpriority <> '2-HIGH'  ");
  ASSERT_TRUE(d.context().mutable_engine().ReloadFromJson(changed).ok());
  // pgjdbc's pattern: a new unnamed Parse, then its Bind. The old unnamed statement (now stale) cannot be the one
  // bound, so it does not get the Bind refused.
  d.Client(Parse("", "SELECT 1") + Bind("", "") + Execute() + Sync());
  EXPECT_EQ(Types(d.TakeServer()), "PBES");
}

TEST_F(SessionTest, TheRefusalMarkersNamesAreReserved) {
  d.Client(Parse(d.context().refusal_marker(), "SELECT 1") + Sync());
  std::string sent = d.TakeServer();
  EXPECT_EQ(Types(sent), "BS");
}

TEST_F(SessionTest, AnUpstreamThatSkipsTheScramProofIsRefused) {
  SessionDriver fresh(ExamplePolicy());
  std::string body = CStr("user") + CStr("alice") + CStr("database") + CStr("tpch") + std::string(1, '\0');
  std::string packet;
  wire::AppendStartupPacket(&packet, wire::kProtocol30, body);
  fresh.Client(packet);
  fresh.TakeClient();
  fresh.session().OnServerConnected();
  fresh.TakeServer();
  fresh.Server(Msg('R', Int32(10) + CStr("SCRAM-SHA-256") + std::string(1, '\0')));
  EXPECT_EQ(Types(fresh.TakeServer()), "p");  // SASLInitialResponse
  fresh.Server(Msg('R', Int32(0)));             // AuthenticationOk with no proof
  EXPECT_TRUE(fresh.session().closing());
  auto got = Messages(fresh.TakeClient());
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(Field(got.back().second, 'C'), "08006");
}

TEST_F(SessionTest, FunctionCallIsRefused) {
  d.Client(Msg('F', Int32(1234) + Int16(0) + Int16(0) + Int16(0)));
  auto sent = Messages(d.TakeServer());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].second, CStr(d.context().refusal_marker()));
  d.Server(ServerError("42601", "syntax error at or near \"" + d.context().refusal_marker() + "\"") + Ready('I'));
  auto got = Messages(d.TakeClient());
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(Field(got[0].second, 'C'), "0A000");
}

TEST_F(SessionTest, MalformedClientMessagesAreFatal) {
  for (std::string bad : {Msg('Q', "SELECT 1"),                        // no terminator
                          Msg('Q', CStr("SELECT 1") + "x"),             // bytes after it
                          Msg('P', CStr("s") + CStr("SELECT 1") + Int16(2)),  // two types announced, none given
                          Msg('p', CStr("password")),                   // a password message after login
                          Msg('?', ""),                                 // unknown type
                          std::string("Q") + Int32(2),                  // length below 4
                          std::string("Q") + Int32(0x7fffffff)}) {      // oversized
    SessionDriver fresh(ExamplePolicy());
    ASSERT_TRUE(fresh.Login("alice"));
    fresh.Client(bad);
    EXPECT_TRUE(fresh.session().closing());
    EXPECT_EQ(fresh.TakeServer(), "");  // nothing forwarded
    auto got = Messages(fresh.TakeClient());
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(Field(got[0].second, 'S'), "FATAL");
    EXPECT_EQ(Field(got[0].second, 'C'), "08P01");
  }
}

TEST_F(SessionTest, AServerAnswerToNothingClosesTheConnection) {
  d.Server(Msg('1', ""));
  EXPECT_TRUE(d.session().closing());
}

TEST_F(SessionTest, StartupRules) {
  struct Case {
    std::string body;
    int32_t version;
    const char* sqlstate;
  };
  const std::string z(1, '\0');
  for (const Case& c : std::vector<Case>{
           {CStr("user") + CStr("alice") + CStr("replication") + CStr("database") + z, wire::kProtocol30, "0A000"},
           {CStr("user") + CStr("alice") + CStr("options") + CStr("-c row_security=off") + z, wire::kProtocol30,
            "42501"},
           {CStr("user") + CStr("alice") + CStr("client_encoding") + CStr("LATIN1") + z, wire::kProtocol30, "0A000"},
           {CStr("user") + CStr("alice") + CStr("session_authorization") + CStr("admin") + z, wire::kProtocol30,
            "42501"},
           {CStr("user") + CStr("alice") + CStr("database") + CStr("postgres") + z, wire::kProtocol30, "3D000"},
           {CStr("user") + CStr("mallory") + CStr("database") + CStr("tpch") + z, wire::kProtocol30, "28000"},
           {CStr("database") + CStr("tpch") + z, wire::kProtocol30, "28000"},
           {CStr("user") + CStr("alice"), wire::kProtocol30, "08P01"},  // no terminator
           {CStr("user") + CStr("alice") + z, 131072, "0A000"},         // protocol 2.0
       }) {
    SessionDriver fresh(ExamplePolicy());
    std::string packet;
    wire::AppendStartupPacket(&packet, c.version, c.body);
    fresh.Client(packet);
    EXPECT_TRUE(fresh.session().closing()) << c.sqlstate;
    auto got = Messages(fresh.TakeClient());
    ASSERT_FALSE(got.empty());
    EXPECT_EQ(Field(got.back().second, 'C'), c.sqlstate) << Field(got.back().second, 'M');
  }
}

TEST_F(SessionTest, NewerMinorVersionsAndPqOptionsAreNegotiatedDown) {
  SessionDriver fresh(ExamplePolicy());
  std::string body = CStr("user") + CStr("alice") + CStr("database") + CStr("tpch") + CStr("_pq_.frob") + CStr("1") +
                     std::string(1, '\0');
  std::string packet;
  wire::AppendStartupPacket(&packet, wire::kProtocol30 + 2, body);
  fresh.Client(packet);
  auto got = Messages(fresh.TakeClient());
  ASSERT_GE(got.size(), 1u);
  EXPECT_EQ(got[0].first, 'v');
  EXPECT_EQ(got[0].second, Int32(wire::kProtocol30) + Int32(1) + CStr("_pq_.frob"));
  EXPECT_TRUE(fresh.session().wants_server_connection());
}

TEST_F(SessionTest, SslAndGssRequestsAreAnsweredNWithoutTls) {
  SessionDriver fresh(ExamplePolicy());
  std::string packet;
  wire::AppendStartupPacket(&packet, wire::kSslRequestCode, "");
  wire::AppendStartupPacket(&packet, wire::kGssEncRequestCode, "");
  fresh.Client(packet);
  EXPECT_EQ(fresh.TakeClient(), "NN");
  EXPECT_FALSE(fresh.session().closing());
}

}  // namespace
}  // namespace rlsq_proxy
