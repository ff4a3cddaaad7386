// A pgjdbc client for the rlsq-proxy tests (tests/proxy/test_differential.py compiles it with
// `javac -cp /usr/share/java/postgresql.jar` into a temporary directory and runs it).
//
//   java -cp DIR:/usr/share/java/postgresql.jar JdbcClient URL USER PASSWORD QUERIES_FILE OUT_FILE
//
// QUERIES_FILE holds blocks, each a header line "@@@ <id> <how>" and the SQL on the following lines. <how>:
//   prepared         a PreparedStatement, executed twice (with prepareThreshold=1 the first execution already
//                    uses a named server statement, the second binds it again); both results must agree
//   statement        a plain Statement
//   fetch=N          a PreparedStatement with setFetchSize(N) inside a transaction (autocommit off): a named
//                    portal read N rows per Execute
//   params=T:V;...   a PreparedStatement with parameters (T: int, text, date, numeric), executed twice
//   meta             DatabaseMetaData.getTables(null, "public", "%", {"TABLE"}) and getColumns of public.nation
// OUT_FILE gets per block "@@@ <id> OK <rows>" then one line per row (values joined by '|', NULL as \N, and
// \ | newline escaped as \\ \| \n), or "@@@ <id> ERR <SQLSTATE>", or "@@@ <id> MISMATCH" when two executions
// disagree. The process exits 0 when it could connect, whatever the queries answered; 2 when it could not.
import java.io.BufferedWriter;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

public class JdbcClient {
  static String escape(String v) {
    if (v == null) return "\\N";
    StringBuilder b = new StringBuilder();
    for (char c : v.toCharArray()) {
      switch (c) {
        case '\\': b.append("\\\\"); break;
        case '|': b.append("\\|"); break;
        case '\n': b.append("\\n"); break;
        case '\r': b.append("\\r"); break;
        default: b.append(c);
      }
    }
    return b.toString();
  }

  static List<String> rows(ResultSet rs) throws SQLException {
    List<String> out = new ArrayList<>();
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    while (rs.next()) {
      StringBuilder line = new StringBuilder();
      for (int i = 1; i <= n; i++) {
        if (i > 1) line.append('|');
        line.append(escape(rs.getString(i)));
      }
      out.add(line.toString());
    }
    rs.close();
    return out;
  }

  static void bind(PreparedStatement ps, String spec) throws SQLException {
    int i = 1;
    for (String p : spec.split(";")) {
      if (p.isEmpty()) continue;
      int colon = p.indexOf(':');
      String type = p.substring(0, colon), value = p.substring(colon + 1);
      switch (type) {
        case "int": ps.setInt(i, Integer.parseInt(value)); break;
        case "text": ps.setString(i, value); break;
        case "date": ps.setDate(i, Date.valueOf(value)); break;
        case "numeric": ps.setBigDecimal(i, new BigDecimal(value)); break;
        default: throw new IllegalArgumentException("unknown parameter type " + type);
      }
      i++;
    }
  }

  static List<String> runPrepared(Connection conn, String sql, String params) throws SQLException {
    try (PreparedStatement ps = conn.prepareStatement(sql)) {
      if (params != null) bind(ps, params);
      List<String> first = rows(ps.executeQuery());
      if (params != null) bind(ps, params);
      List<String> second = rows(ps.executeQuery());
      if (!first.equals(second)) return null;
      return first;
    }
  }

  public static void main(String[] args) throws Exception {
    String url = args[0], user = args[1], password = args[2];
    List<String> lines = Files.readAllLines(Paths.get(args[3]), StandardCharsets.UTF_8);
    Properties props = new Properties();
    props.setProperty("user", user);
    if (!password.isEmpty()) props.setProperty("password", password);
    Connection conn;
    try {
      conn = DriverManager.getConnection(url, props);
    } catch (SQLException e) {
      System.err.println("connect failed: " + e.getSQLState() + " " + e.getMessage());
      System.exit(2);
      return;
    }
    try (BufferedWriter out = Files.newBufferedWriter(Paths.get(args[4]), StandardCharsets.UTF_8)) {
      out.write("@@@ _connect OK 1\n" + escape(conn.getMetaData().getDatabaseProductVersion()) + "\n");
      int i = 0;
      while (i < lines.size()) {
        String header = lines.get(i++);
        if (!header.startsWith("@@@ ")) continue;
        String[] h = header.split(" ", 3);
        String id = h[1], how = h.length > 2 ? h[2] : "prepared";
        StringBuilder sql = new StringBuilder();
        while (i < lines.size() && !lines.get(i).startsWith("@@@ ")) sql.append(lines.get(i++)).append('\n');
        List<String> result;
        try {
          if (how.equals("meta")) {
            DatabaseMetaData md = conn.getMetaData();
            result = new ArrayList<>();
            try (ResultSet rs = md.getTables(null, "public", "%", new String[] {"TABLE"})) {
              while (rs.next()) result.add("table|" + escape(rs.getString("TABLE_NAME")));
            }
            try (ResultSet rs = md.getColumns(null, "public", "nation", null)) {
              while (rs.next()) result.add("column|" + escape(rs.getString("COLUMN_NAME")) + "|"
                                           + escape(rs.getString("TYPE_NAME")));
            }
          } else if (how.equals("statement")) {
            try (Statement st = conn.createStatement()) {
              result = rows(st.executeQuery(sql.toString()));
            }
          } else if (how.startsWith("fetch=")) {
            conn.setAutoCommit(false);
            try (PreparedStatement ps = conn.prepareStatement(sql.toString())) {
              ps.setFetchSize(Integer.parseInt(how.substring(6)));
              result = rows(ps.executeQuery());
              conn.commit();
            } catch (SQLException e) {
              conn.rollback();
              throw e;
            } finally {
              conn.setAutoCommit(true);
            }
          } else if (how.startsWith("params=")) {
            result = runPrepared(conn, sql.toString(), how.substring(7));
          } else {
            result = runPrepared(conn, sql.toString(), null);
          }
        } catch (SQLException e) {
          out.write("@@@ " + id + " ERR " + e.getSQLState() + "\n");
          continue;
        }
        if (result == null) {
          out.write("@@@ " + id + " MISMATCH\n");
          continue;
        }
        out.write("@@@ " + id + " OK " + result.size() + "\n");
        for (String r : result) out.write(r + "\n");
      }
    }
    conn.close();
  }
}
