// rlsq-proxy's authentication crypto (proxy/scram.h): the RFC 7677 SCRAM-SHA-256 test vector through both sides,
// client<->server round trips, wrong passwords and unknown users (indistinguishable), malformed and hostile SCRAM
// messages, the pg_authid verifier format against verifiers a real PostgreSQL 15 built, strict base64, MD5.
#include <memory>
#include <regex>
#include <string>
#include <utility>

#include <gtest/gtest.h>

#include "proxy/scram.h"

namespace rlsq_proxy::auth {
namespace {

// RFC 7677 section 3.
constexpr char kRfcClientNonce[] = "rOprNGfwEbeRWgbNEkqO";
constexpr char kRfcServerNonce[] = "%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
constexpr char kRfcSalt[] = "W22ZaJ0SNY7soEsUEjb6gQ==";
constexpr char kRfcClientFirst[] = "n,,n=user,r=rOprNGfwEbeRWgbNEkqO";
constexpr char kRfcServerFirst[] = "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096";
constexpr char kRfcClientFinal[] =
    "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=";
constexpr char kRfcServerFinal[] = "v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=";

// Built by PostgreSQL 15.x (server_encoding UTF8, default scram_iterations) with
// CREATE ROLE bob LOGIN PASSWORD 'secret-pw', and for carol 'pässwörd' (precomposed), dave E'a\u00a0b'.
constexpr char kPgBob[] =
    "SCRAM-SHA-256$4096:aOjkzmnLsaGLg5wAvVuwUg==$X9G24vx8svwlcECw9Uu3Hfsk5DMc5GWsP/ytAj5JRuI=:"
    "B3LGO+qxMd8+LUSdA3MsK0jHM28R7cwM+mSoDt2nwXo=";
constexpr char kPgCarol[] =
    "SCRAM-SHA-256$4096:tjsw0Vq0/BrANe5qGWRAKQ==$VHcDP7De6Ayyp/G73m61cP+0YteWC6RC/5XZc4oXzdQ=:"
    "ZimLkcvpXXFWl1zzWKUM56oG1TMmxf5+ytGqcbv6WV0=";
constexpr char kPgDave[] =
    "SCRAM-SHA-256$4096:5bHoKF3oxBxY+aJYk87b5Q==$lQFPtU9BMvRL1oVXxvjVppqwH0nA9EgUhVge7XrBpwQ=:"
    "S+a63nW8K+5d4kpry43qVSohl939PYvXEZt5AriLba8=";

constexpr char kMockSecret[] = "per-process mock secret";

ScramVerifier RfcVerifier() { return MakeScramVerifier("pencil", *Base64Decode(kRfcSalt), 4096); }

// A server that has seen a client-first-message with the given header and client nonce "cnonce", server nonce
// "snonce", for driving client-final-messages by hand.
struct PreparedServer {
  ScramVerifier verifier = MakeScramVerifier("pw", "salt-salt-salt16", 1);
  ScramServer server{&verifier, "alice", kMockSecret};
  explicit PreparedServer(std::string_view header = "n,,") {
    server.SetServerNonceForTesting("snonce");
    auto first = server.HandleClientFirst(std::string(header) + "n=,r=cnonce");
    EXPECT_TRUE(first.ok()) << first.status();
  }
};

// Runs a full exchange of ScramClient(password) against a server for `user` holding `verifier` (may be null).
absl::Status Exchange(const ScramVerifier* verifier, std::string_view user, std::string password) {
  ScramServer server(verifier, user, kMockSecret);
  ScramClient client(std::move(password));
  auto server_first = server.HandleClientFirst(client.ClientFirst());
  if (!server_first.ok()) return server_first.status();
  auto client_final = client.HandleServerFirst(*server_first);
  if (!client_final.ok()) return client_final.status();
  auto server_final = server.HandleClientFinal(*client_final);
  if (!server_final.ok()) return server_final.status();
  if (!server.authenticated()) return absl::InternalError("server not authenticated after success");
  return client.HandleServerFinal(*server_final);
}

TEST(ScramRfc7677, ClientProducesTheVectorBytes) {
  ScramClient client("pencil", kRfcClientNonce, "user");
  EXPECT_EQ(client.ClientFirst(), kRfcClientFirst);
  auto final_msg = client.HandleServerFirst(kRfcServerFirst);
  ASSERT_TRUE(final_msg.ok()) << final_msg.status();
  EXPECT_EQ(*final_msg, kRfcClientFinal);
  EXPECT_TRUE(client.HandleServerFinal(kRfcServerFinal).ok());
}

TEST(ScramRfc7677, ServerAcceptsTheVector) {
  ScramVerifier v = RfcVerifier();
  ScramServer server(&v, "user", kMockSecret);
  server.SetServerNonceForTesting(kRfcServerNonce);
  auto first = server.HandleClientFirst(kRfcClientFirst);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, kRfcServerFirst);
  auto final_msg = server.HandleClientFinal(kRfcClientFinal);
  ASSERT_TRUE(final_msg.ok()) << final_msg.status();
  EXPECT_EQ(*final_msg, kRfcServerFinal);
  EXPECT_TRUE(server.authenticated());
}

TEST(ScramRfc7677, EmptyUsernameAsLibpqSendsIt) {
  // Same vector with "n=" empty (what ScramClient and libpq send); expected bytes computed independently with
  // python3 hashlib/hmac.
  ScramClient client("pencil", kRfcClientNonce);
  EXPECT_EQ(client.ClientFirst(), "n,,n=,r=rOprNGfwEbeRWgbNEkqO");
  auto final_msg = client.HandleServerFirst(kRfcServerFirst);
  ASSERT_TRUE(final_msg.ok()) << final_msg.status();
  EXPECT_EQ(*final_msg,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=qvT2SWdEH5Q06albL+hjSYuUhCG7VndFyzIb7CK4n9k=");
  EXPECT_TRUE(client.HandleServerFinal("v=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOg=").ok());
}

TEST(ScramRfc7677, ClientRejectsAWrongServerSignature) {
  ScramClient client("pencil", kRfcClientNonce, "user");
  client.ClientFirst();
  ASSERT_TRUE(client.HandleServerFirst(kRfcServerFirst).ok());
  absl::Status s = client.HandleServerFinal("v=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
}

TEST(ScramRoundTrip, ClientAndServerAgree) {
  ScramVerifier v = MakeScramVerifier("correct horse", "0123456789abcdef", 4096);
  EXPECT_TRUE(Exchange(&v, "alice", "correct horse").ok());
  ScramVerifier low = MakeScramVerifier("", "x", 1);  // empty password, 1-byte salt, 1 iteration
  EXPECT_TRUE(Exchange(&low, "alice", "").ok());
  ScramVerifier nonascii = MakeScramVerifier("p\xc3\xa4ss", "0123456789abcdef", 10);
  EXPECT_TRUE(Exchange(&nonascii, "alice", "p\xc3\xa4ss").ok());
}

TEST(ScramRoundTrip, YFlagAccepted) {
  // "y,," (client supports channel binding, thinks the server does not): the RFC 7677 vector with that header, so
  // c=eSws; expected bytes computed independently with python3 hashlib/hmac.
  ScramVerifier v = RfcVerifier();
  ScramServer server(&v, "user", kMockSecret);
  server.SetServerNonceForTesting(kRfcServerNonce);
  auto first = server.HandleClientFirst("y,,n=user,r=rOprNGfwEbeRWgbNEkqO");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, kRfcServerFirst);
  auto final_msg = server.HandleClientFinal(
      "c=eSws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=FoqiHTtQEDE8lz1CdaEe3tK4mS+iMDTl77SPyDS53DY=");
  ASSERT_TRUE(final_msg.ok()) << final_msg.status();
  EXPECT_EQ(*final_msg, "v=dI4KpiQJwBr1+V+K6U1dA6l6I4I9DUNXWND4pcpRU3U=");
}

TEST(ScramAuthFailure, WrongPasswordIsPermissionDenied) {
  ScramVerifier v = MakeScramVerifier("right", "0123456789abcdef", 4096);
  absl::Status s = Exchange(&v, "alice", "wrong");
  EXPECT_EQ(s.code(), absl::StatusCode::kPermissionDenied) << s;
  EXPECT_EQ(s.message(), "password authentication failed for user \"alice\"");
}

TEST(ScramAuthFailure, UnknownUserLooksLikeAWrongPassword) {
  ScramVerifier v = MakeScramVerifier("right", "0123456789abcdef", kScramDefaultIterations);
  absl::Status wrong = Exchange(&v, "alice", "wrong");
  absl::Status unknown = Exchange(nullptr, "alice", "wrong");
  EXPECT_EQ(unknown.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(unknown, wrong);

  // Same shape of server-first-message: r=<client nonce + 24 base64 chars>,s=<24 base64 chars>,i=4096.
  const std::regex shape(R"(r=cnonce[A-Za-z0-9+/]{24},s=[A-Za-z0-9+/]{22}==,i=4096)");
  ScramServer real(&v, "alice", kMockSecret), mock(nullptr, "alice", kMockSecret);
  auto a = real.HandleClientFirst("n,,n=,r=cnonce");
  auto b = mock.HandleClientFirst("n,,n=,r=cnonce");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_TRUE(std::regex_match(*a, shape)) << *a;
  EXPECT_TRUE(std::regex_match(*b, shape)) << *b;

  // The mock salt is stable per user (a probe cannot see it change) and differs between users and secrets.
  auto salt_of = [](const ScramVerifier* ver, std::string_view user, std::string_view secret) {
    ScramServer s(ver, user, secret);
    std::string first = *s.HandleClientFirst("n,,n=,r=c");
    return first.substr(first.find(",s="));
  };
  EXPECT_EQ(salt_of(nullptr, "mallory", kMockSecret), salt_of(nullptr, "mallory", kMockSecret));
  EXPECT_NE(salt_of(nullptr, "mallory", kMockSecret), salt_of(nullptr, "trent", kMockSecret));
  EXPECT_NE(salt_of(nullptr, "mallory", kMockSecret), salt_of(nullptr, "mallory", "another secret"));
}

TEST(ScramAuthFailure, UnusableVerifierBehavesAsUnknownUser) {
  ScramVerifier broken = MakeScramVerifier("pw", "saltsalt", 16);
  broken.stored_key.resize(5);
  EXPECT_EQ(Exchange(&broken, "alice", "pw"), Exchange(nullptr, "alice", "pw"));
}

TEST(ScramMalformed, ClientFirst) {
  ScramVerifier v = MakeScramVerifier("pw", "saltsalt", 16);
  const char* bad[] = {
      "",
      "n",
      "n,",
      "n,,",
      "x,,n=,r=abc",
      "p=tls-server-end-point,,n=,r=abc",  // channel binding requested
      "n,a=bob,n=,r=abc",                  // authzid
      "n,x,n=,r=abc",
      "n,,r=abc",                  // missing n=
      "n,,n=",                     // missing r=
      "n,,n=,r=",                  // empty nonce
      "n,,n=,r=ab c",              // nonce with a space
      "n,,n=,r=ab\x7f",            // nonce with DEL
      "n,,m=ext,n=,r=abc",         // reserved mandatory extension
      "n,,n=,r=abc,",              // trailing comma
      "n,,n=,,r=abc",              // empty attribute
      "n,,n=a=b,r=abc",            // bad saslname escape
      "n,,n=,r=abc,1=x",           // extension name not ALPHA
      "n,,r=abc,n=",               // wrong order
      "n,,N=,r=abc",
  };
  for (const char* msg : bad) {
    ScramServer server(&v, "alice", kMockSecret);
    auto r = server.HandleClientFirst(msg);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << "'" << msg << "': " << r.status();
    // The exchange is over after an error.
    EXPECT_EQ(server.HandleClientFinal("c=biws,r=abc,p=AAAA").status().code(),
              absl::StatusCode::kFailedPrecondition);
  }
  std::string with_nul("n,,n=\0,r=abc", 12);
  ScramServer server(&v, "alice", kMockSecret);
  EXPECT_EQ(server.HandleClientFirst(with_nul).status().code(), absl::StatusCode::kInvalidArgument);

  // Accepted variants: escaped saslname, an extension after the nonce.
  ScramServer ok1(&v, "alice", kMockSecret), ok2(&v, "alice", kMockSecret);
  EXPECT_TRUE(ok1.HandleClientFirst("n,,n=a=2Cb=3D,r=abc").ok());
  EXPECT_TRUE(ok2.HandleClientFirst("n,,n=bob,r=abc,x=whatever").ok());
}

TEST(ScramMalformed, ClientFinal) {
  const std::string proof = "p=" + Base64Encode(std::string(32, 'x'));
  const std::string cases[] = {
      "",
      "c=biws",
      "c=biws,r=cnoncesnonce",                        // missing proof
      "r=cnoncesnonce," + proof,                      // missing c=
      "c=biws," + proof,                              // missing r=
      "c=bi*s,r=cnoncesnonce," + proof,               // bad base64 in c=
      "c=eSws,r=cnoncesnonce," + proof,               // c= is "y,," but the header was "n,,"
      "c=biwsbiws,r=cnoncesnonce," + proof,           // c= not exactly the header
      "c=cD10bHMtc2VydmVyLWVuZC1wb2ludCwsAAAA,r=cnoncesnonce," + proof,  // channel-binding data
      "c=biws,r=cnonce," + proof,                     // nonce without the server part
      "c=biws,r=cnoncesnonceX," + proof,              // nonce extended
      "c=biws,r=othersnonce," + proof,                // nonce not extending the client's
      "c=biws,r=cnoncesnonce,p=AAAA",                 // proof too short
      "c=biws,r=cnoncesnonce,p=" + Base64Encode(std::string(33, 'x')),
      "c=biws,r=cnoncesnonce,p=not-base64",
      "c=biws,r=cnoncesnonce,p=AAA",                  // unpadded
      "c=biws,r=cnoncesnonce," + proof + ",x=trailing",
      "c=biws,r=cnoncesnonce," + proof + "," + proof,
      "c=biws,r=cnoncesnonce," + proof + ",",
      "c=biws,,r=cnoncesnonce," + proof,
  };
  for (const std::string& msg : cases) {
    PreparedServer p;
    auto r = p.server.HandleClientFinal(msg);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << "'" << msg << "': " << r.status();
    EXPECT_FALSE(p.server.authenticated());
  }
  // With a "y,," header, "biws" is the mismatch.
  PreparedServer y("y,,");
  EXPECT_EQ(y.server.HandleClientFinal("c=biws,r=cnoncesnonce," + proof).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A well-formed final with a wrong proof, and one with an extension before the proof, are PermissionDenied.
  PreparedServer w1, w2;
  EXPECT_EQ(w1.server.HandleClientFinal("c=biws,r=cnoncesnonce," + proof).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(w2.server.HandleClientFinal("c=biws,r=cnoncesnonce,x=ext," + proof).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST(ScramMalformed, ReplayedFinalWithChangedChannelBinding) {
  ScramVerifier v = RfcVerifier();
  auto fresh = [&] {
    auto s = std::make_unique<ScramServer>(&v, "user", kMockSecret);
    s->SetServerNonceForTesting(kRfcServerNonce);
    EXPECT_TRUE(s->HandleClientFirst(kRfcClientFirst).ok());
    return s;
  };
  std::string changed = kRfcClientFinal;
  changed.replace(0, 6, "c=eSws");  // base64("y,,")
  EXPECT_EQ(fresh()->HandleClientFinal(changed).status().code(), absl::StatusCode::kInvalidArgument);
  // The original still verifies on a fresh exchange, and a second final on a finished one is refused.
  auto s = fresh();
  ASSERT_TRUE(s->HandleClientFinal(kRfcClientFinal).ok());
  EXPECT_EQ(s->HandleClientFinal(kRfcClientFinal).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s->HandleClientFirst(kRfcClientFirst).status().code(), absl::StatusCode::kFailedPrecondition);
  // A changed nonce in a replay (e.g. against another server nonce) is a nonce mismatch.
  auto other = std::make_unique<ScramServer>(&v, "user", kMockSecret);
  other->SetServerNonceForTesting("differentnonce");
  ASSERT_TRUE(other->HandleClientFirst(kRfcClientFirst).ok());
  EXPECT_EQ(other->HandleClientFinal(kRfcClientFinal).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ScramMalformed, ClientSideServerMessages) {
  const char* bad_first[] = {
      "",
      "r=rOprNGfwEbeRWgbNEkqO",                                          // no s=, i=
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==",            // no i=
      "m=x,r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",  // reserved extension
      "r=rOprNGfwEbeRWgbNEkqO,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",        // nonce not extended
      "r=XOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",     // nonce not ours
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ=,i=4096",      // bad base64
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=,i=4096",                             // empty salt
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=0",
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=-1",
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=04096",
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=99999999999",
      "r=rOprNGfwEbeRWgbNEkqO%hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096x",
      "s=W22ZaJ0SNY7soEsUEjb6gQ==,r=rOprNGfwEbeRWgbNEkqO%hv,i=4096",
      "r=rOprNGfwEbeRWgbNEkqO %hv,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
  };
  for (const char* msg : bad_first) {
    ScramClient c("pencil", kRfcClientNonce);
    c.ClientFirst();
    auto r = c.HandleServerFirst(msg);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << "'" << msg << "': " << r.status();
    EXPECT_EQ(c.HandleServerFinal(kRfcServerFinal).code(), absl::StatusCode::kFailedPrecondition);
  }
  auto after_first = [] {
    auto c = std::make_unique<ScramClient>("pencil", kRfcClientNonce, "user");
    c->ClientFirst();
    EXPECT_TRUE(c->HandleServerFirst(kRfcServerFirst).ok());
    return c;
  };
  EXPECT_EQ(after_first()->HandleServerFinal("e=invalid-proof").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(after_first()->HandleServerFinal("").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(after_first()->HandleServerFinal("v=").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(after_first()->HandleServerFinal("v=AAAA").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(after_first()->HandleServerFinal("v=***").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(after_first()->HandleServerFinal("x=1").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(after_first()->HandleServerFinal(std::string(kRfcServerFinal) + ",x=ext").ok());
  // Out of order: server-first before client-first.
  ScramClient early("pencil", kRfcClientNonce, "user");
  EXPECT_EQ(early.HandleServerFirst(kRfcServerFirst).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ScramMalformed, OutOfOrderServerCalls) {
  ScramServer s(nullptr, "alice", kMockSecret);
  EXPECT_EQ(s.HandleClientFinal(kRfcClientFinal).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(ScramVerifierFormat, ParsesPostgresVerifier) {
  auto v = ParseScramVerifier(kPgBob);
  ASSERT_TRUE(v.ok()) << v.status();
  EXPECT_EQ(v->iterations, 4096);
  EXPECT_EQ(v->salt.size(), 16u);
  EXPECT_EQ(v->stored_key.size(), 32u);
  EXPECT_EQ(v->server_key.size(), 32u);
  EXPECT_EQ(FormatScramVerifier(*v), kPgBob);
}

TEST(ScramVerifierFormat, FormatRoundTrip) {
  ScramVerifier v = MakeScramVerifier("pw", std::string("\x00\xff\x01 salt", 8), 12345);
  std::string text = FormatScramVerifier(v);
  auto back = ParseScramVerifier(text);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->iterations, 12345);
  EXPECT_EQ(back->salt, v.salt);
  EXPECT_EQ(back->stored_key, v.stored_key);
  EXPECT_EQ(back->server_key, v.server_key);
  EXPECT_EQ(FormatScramVerifier(*back), text);
}

TEST(ScramVerifierFormat, RejectsBadStrings) {
  const std::string key = Base64Encode(std::string(32, 'k'));
  const std::string ok_tail = "$" + key + ":" + key;
  ASSERT_TRUE(ParseScramVerifier("SCRAM-SHA-256$4096:c2FsdA==" + ok_tail).ok());
  const std::string cases[] = {
      "",
      "md5abcdef0123456789abcdef0123456789",
      "SCRAM-SHA-1$4096:c2FsdA==" + ok_tail,
      "scram-sha-256$4096:c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$0:c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$-1:c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$04096:c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$4096x:c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$:c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$99999999999:c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$4096:" + ok_tail,                 // empty salt
      "SCRAM-SHA-256$4096:c2FsdA=" + ok_tail,          // bad padding
      "SCRAM-SHA-256$4096:c2FsdA" + ok_tail,           // no padding
      "SCRAM-SHA-256$4096:c2Fs dA==" + ok_tail,        // whitespace
      "SCRAM-SHA-256$4096:c2FsdB==" + ok_tail,         // non-canonical bits
      "SCRAM-SHA-256$4096:c2FsdA==$" + key,            // one key
      "SCRAM-SHA-256$4096:c2FsdA==$" + key + ":" + Base64Encode(std::string(31, 'k')),
      "SCRAM-SHA-256$4096:c2FsdA==$" + Base64Encode(std::string(33, 'k')) + ":" + key,
      "SCRAM-SHA-256$4096:c2FsdA==" + ok_tail + "$",
      "SCRAM-SHA-256$4096:c2FsdA==" + ok_tail + ":" + key,
      "SCRAM-SHA-256$4096:c2FsdA==:x" + ok_tail,
      "SCRAM-SHA-256$4096c2FsdA==" + ok_tail,
      "SCRAM-SHA-256$4096:c2FsdA==" + ok_tail + "\n",
  };
  for (const std::string& text : cases) {
    auto r = ParseScramVerifier(text);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << "'" << text << "'";
  }
}

TEST(ScramPostgres, VerifierFromPostgres15) {
  auto bob = ParseScramVerifier(kPgBob);
  ASSERT_TRUE(bob.ok());
  // Rebuilding from the password, salt and iterations gives PostgreSQL's bytes exactly.
  EXPECT_EQ(FormatScramVerifier(MakeScramVerifier("secret-pw", bob->salt, bob->iterations)), kPgBob);
  EXPECT_TRUE(Exchange(&*bob, "bob", "secret-pw").ok());
  EXPECT_EQ(Exchange(&*bob, "bob", "secret-pW").code(), absl::StatusCode::kPermissionDenied);
}

TEST(ScramPostgres, NonAsciiPasswordsAndTheSaslprepLimitation) {
  // 'pässwörd' (precomposed): SASLprep leaves it unchanged, so the raw bytes match what PostgreSQL stored.
  auto carol = ParseScramVerifier(kPgCarol);
  ASSERT_TRUE(carol.ok());
  EXPECT_TRUE(Exchange(&*carol, "carol", "p\xc3\xa4ssw\xc3\xb6rd").ok());
  // E'a\u00a0b': SASLprep maps NO-BREAK SPACE to a space, PostgreSQL stored the verifier of "a b". Full SASLprep is
  // not implemented (scram.h), so the raw password does not match; this pins the documented limitation.
  auto dave = ParseScramVerifier(kPgDave);
  ASSERT_TRUE(dave.ok());
  EXPECT_TRUE(Exchange(&*dave, "dave", "a b").ok());
  EXPECT_EQ(Exchange(&*dave, "dave", "a\xc2\xa0" "b").code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(ScramPreparePassword("plain ASCII \x01\x7f"), "plain ASCII \x01\x7f");
}

TEST(Md5, PasswordResponse) {
  // Values computed with python3 hashlib: "md5" + md5(md5(password + user).hexdigest() + salt).hexdigest().
  const unsigned char salt1[4] = {0x01, 0x02, 0x03, 0x04};
  EXPECT_EQ(Md5PasswordResponse("bob", "secret-pw", salt1), "md51455ab3e82d3616ed8b020cef4a2957c");
  const unsigned char salt2[4] = {0xde, 0xad, 0xbe, 0xef};
  EXPECT_EQ(Md5PasswordResponse("postgres", "hunter2", salt2), "md522e4bb5d3417d4b385dbb7c1cbc7573d");
}

TEST(Base64, EncodeDecode) {
  // RFC 4648 section 10.
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [raw, enc] : vectors) {
    EXPECT_EQ(Base64Encode(raw), enc);
    auto d = Base64Decode(enc);
    ASSERT_TRUE(d.ok()) << enc;
    EXPECT_EQ(*d, raw);
  }
  std::string all;
  for (int i = 0; i < 256; ++i) all += static_cast<char>(i);
  EXPECT_EQ(*Base64Decode(Base64Encode(all)), all);
  for (const char* bad : {"Zg", "Zg=", "Zm9", "Z===", "====", "Zg==Zg==", "Zm 9v", "Zm9v\n", "Zm-v", "Zh==", "Zm9=",
                          "=Zm9", "Zm=v", "Zm9v="}) {
    EXPECT_FALSE(Base64Decode(bad).ok()) << bad;
  }
}

TEST(ConstantTime, Equals) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(ScramClientNonce, RandomNonceShape) {
  ScramClient a("pw"), b("pw");
  std::string fa = a.ClientFirst(), fb = b.ClientFirst();
  EXPECT_TRUE(std::regex_match(fa, std::regex(R"(n,,n=,r=[A-Za-z0-9+/]{24})"))) << fa;
  EXPECT_NE(fa, fb);
}

}  // namespace
}  // namespace rlsq_proxy::auth
