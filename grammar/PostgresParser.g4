// PostgreSQL 15 query grammar for rlsq (parser grammar only: tokens come from rlsq's hand-written lexer through
// lib/parser/token_source.cc, which maps words onto the K_ keyword tokens declared below).
//
// Layout
// - Expressions are written as one rule per precedence level (lowest first), following the precedence table
//   of PostgreSQL 15's gram.y, so that SLL prediction never needs full-context fallback on valid input.
// - Keyword classes (unreserved / col_name / type_func_name / reserved, and bare column labels) are the
//   PostgreSQL 15 facts (pg_get_keywords()); identifiers accept exactly the classes PostgreSQL accepts.
// - Statements that are not read-only queries are recognised only to be refused precisely (dmlStatement,
//   intoClause, lockingClause); most are refused by lib/parser/parser.cc before the grammar runs.
parser grammar PostgresParser;

tokens {
  IDENT, QIDENT, STRING, BITSTRING, HEXSTRING, INTEGER, NUMERIC, PARAM, OP, LPAREN, RPAREN, LBRACKET,
  RBRACKET, COMMA, SEMI, DOT, COLON, TYPECAST, DOTDOT, EQ, NEQ, LT, GT, LE, GE, PLUS, MINUS, STAR, SLASH,
  PERCENT, CARET, CONCAT, EQUALS_GREATER, COLON_EQUALS, VARIABLE, INTRODUCER,
  K_ABORT, K_ABSOLUTE, K_ACCESS, K_ACTION, K_ADD, K_ADMIN, K_AFTER, K_AGGREGATE, K_ALL, K_ALSO, K_ALTER,
  K_ALWAYS, K_ANALYSE, K_ANALYZE, K_AND, K_ANY, K_ARRAY, K_AS, K_ASC, K_ASENSITIVE, K_ASSERTION,
  K_ASSIGNMENT, K_ASYMMETRIC, K_AT, K_ATOMIC, K_ATTACH, K_ATTRIBUTE, K_AUTHORIZATION, K_BACKWARD, K_BEFORE,
  K_BEGIN, K_BETWEEN, K_BIGINT, K_BINARY, K_BIT, K_BOOLEAN, K_BOTH, K_BREADTH, K_BY, K_CACHE, K_CALL,
  K_CALLED, K_CASCADE, K_CASCADED, K_CASE, K_CAST, K_CATALOG, K_CHAIN, K_CHAR, K_CHARACTER,
  K_CHARACTERISTICS, K_CHECK, K_CHECKPOINT, K_CLASS, K_CLOSE, K_CLUSTER, K_COALESCE, K_COLLATE, K_COLLATION,
  K_COLUMN, K_COLUMNS, K_COMMENT, K_COMMENTS, K_COMMIT, K_COMMITTED, K_COMPRESSION, K_CONCURRENTLY,
  K_CONFIGURATION, K_CONFLICT, K_CONNECTION, K_CONSTRAINT, K_CONSTRAINTS, K_CONTENT, K_CONTINUE,
  K_CONVERSION, K_COPY, K_COST, K_CREATE, K_CROSS, K_CSV, K_CUBE, K_CURRENT, K_CURRENT_CATALOG,
  K_CURRENT_DATE, K_CURRENT_ROLE, K_CURRENT_SCHEMA, K_CURRENT_TIME, K_CURRENT_TIMESTAMP, K_CURRENT_USER,
  K_CURSOR, K_CYCLE, K_DATA, K_DATABASE, K_DAY, K_DEALLOCATE, K_DEC, K_DECIMAL, K_DECLARE, K_DEFAULT,
  K_DEFAULTS, K_DEFERRABLE, K_DEFERRED, K_DEFINER, K_DELETE, K_DELIMITER, K_DELIMITERS, K_DEPENDS, K_DEPTH,
  K_DESC, K_DETACH, K_DICTIONARY, K_DISABLE, K_DISCARD, K_DISTINCT, K_DO, K_DOCUMENT, K_DOMAIN, K_DOUBLE,
  K_DROP, K_EACH, K_ELSE, K_ENABLE, K_ENCODING, K_ENCRYPTED, K_END, K_ENUM, K_ESCAPE, K_EVENT, K_EXCEPT,
  K_EXCLUDE, K_EXCLUDING, K_EXCLUSIVE, K_EXECUTE, K_EXISTS, K_EXPLAIN, K_EXPRESSION, K_EXTENSION, K_EXTERNAL,
  K_EXTRACT, K_FALSE, K_FAMILY, K_FETCH, K_FILTER, K_FINALIZE, K_FIRST, K_FLOAT, K_FOLLOWING, K_FOR, K_FORCE,
  K_FOREIGN, K_FORWARD, K_FREEZE, K_FROM, K_FULL, K_FUNCTION, K_FUNCTIONS, K_GENERATED, K_GLOBAL, K_GRANT,
  K_GRANTED, K_GREATEST, K_GROUP, K_GROUPING, K_GROUPS, K_HANDLER, K_HAVING, K_HEADER, K_HOLD, K_HOUR,
  K_IDENTITY, K_IF, K_ILIKE, K_IMMEDIATE, K_IMMUTABLE, K_IMPLICIT, K_IMPORT, K_IN, K_INCLUDE, K_INCLUDING,
  K_INCREMENT, K_INDEX, K_INDEXES, K_INHERIT, K_INHERITS, K_INITIALLY, K_INLINE, K_INNER, K_INOUT, K_INPUT,
  K_INSENSITIVE, K_INSERT, K_INSTEAD, K_INT, K_INTEGER, K_INTERSECT, K_INTERVAL, K_INTO, K_INVOKER, K_IS,
  K_ISNULL, K_ISOLATION, K_JOIN, K_KEY, K_LABEL, K_LANGUAGE, K_LARGE, K_LAST, K_LATERAL, K_LEADING,
  K_LEAKPROOF, K_LEAST, K_LEFT, K_LEVEL, K_LIKE, K_LIMIT, K_LISTEN, K_LOAD, K_LOCAL, K_LOCALTIME,
  K_LOCALTIMESTAMP, K_LOCATION, K_LOCK, K_LOCKED, K_LOGGED, K_MAPPING, K_MATCH, K_MATCHED, K_MATERIALIZED,
  K_MAXVALUE, K_MERGE, K_METHOD, K_MINUTE, K_MINVALUE, K_MODE, K_MONTH, K_MOVE, K_NAME, K_NAMES, K_NATIONAL,
  K_NATURAL, K_NCHAR, K_NEW, K_NEXT, K_NFC, K_NFD, K_NFKC, K_NFKD, K_NO, K_NONE, K_NORMALIZE, K_NORMALIZED,
  K_NOT, K_NOTHING, K_NOTIFY, K_NOTNULL, K_NOWAIT, K_NULL, K_NULLIF, K_NULLS, K_NUMERIC, K_OBJECT, K_OF,
  K_OFF, K_OFFSET, K_OIDS, K_OLD, K_ON, K_ONLY, K_OPERATOR, K_OPTION, K_OPTIONS, K_OR, K_ORDER, K_ORDINALITY,
  K_OTHERS, K_OUT, K_OUTER, K_OVER, K_OVERLAPS, K_OVERLAY, K_OVERRIDING, K_OWNED, K_OWNER, K_PARALLEL,
  K_PARAMETER, K_PARSER, K_PARTIAL, K_PARTITION, K_PASSING, K_PASSWORD, K_PLACING, K_PLANS, K_POLICY,
  K_POSITION, K_PRECEDING, K_PRECISION, K_PREPARE, K_PREPARED, K_PRESERVE, K_PRIMARY, K_PRIOR, K_PRIVILEGES,
  K_PROCEDURAL, K_PROCEDURE, K_PROCEDURES, K_PROGRAM, K_PUBLICATION, K_QUOTE, K_RANGE, K_READ, K_REAL,
  K_REASSIGN, K_RECHECK, K_RECURSIVE, K_REF, K_REFERENCES, K_REFERENCING, K_REFRESH, K_REINDEX, K_RELATIVE,
  K_RELEASE, K_RENAME, K_REPEATABLE, K_REPLACE, K_REPLICA, K_RESET, K_RESTART, K_RESTRICT, K_RETURN,
  K_RETURNING, K_RETURNS, K_REVOKE, K_RIGHT, K_ROLE, K_ROLLBACK, K_ROLLUP, K_ROUTINE, K_ROUTINES, K_ROW,
  K_ROWS, K_RULE, K_SAVEPOINT, K_SCHEMA, K_SCHEMAS, K_SCROLL, K_SEARCH, K_SECOND, K_SECURITY, K_SELECT,
  K_SEQUENCE, K_SEQUENCES, K_SERIALIZABLE, K_SERVER, K_SESSION, K_SESSION_USER, K_SET, K_SETOF, K_SETS,
  K_SHARE, K_SHOW, K_SIMILAR, K_SIMPLE, K_SKIP, K_SMALLINT, K_SNAPSHOT, K_SOME, K_SQL, K_STABLE,
  K_STANDALONE, K_START, K_STATEMENT, K_STATISTICS, K_STDIN, K_STDOUT, K_STORAGE, K_STORED, K_STRICT,
  K_STRIP, K_SUBSCRIPTION, K_SUBSTRING, K_SUPPORT, K_SYMMETRIC, K_SYSID, K_SYSTEM, K_TABLE, K_TABLES,
  K_TABLESAMPLE, K_TABLESPACE, K_TEMP, K_TEMPLATE, K_TEMPORARY, K_TEXT, K_THEN, K_TIES, K_TIME, K_TIMESTAMP,
  K_TO, K_TRAILING, K_TRANSACTION, K_TRANSFORM, K_TREAT, K_TRIGGER, K_TRIM, K_TRUE, K_TRUNCATE, K_TRUSTED,
  K_TYPE, K_TYPES, K_UESCAPE, K_UNBOUNDED, K_UNCOMMITTED, K_UNENCRYPTED, K_UNION, K_UNIQUE, K_UNKNOWN,
  K_UNLISTEN, K_UNLOGGED, K_UNTIL, K_UPDATE, K_USER, K_USING, K_VACUUM, K_VALID, K_VALIDATE, K_VALIDATOR,
  K_VALUE, K_VALUES, K_VARCHAR, K_VARIADIC, K_VARYING, K_VERBOSE, K_VERSION, K_VIEW, K_VIEWS, K_VOLATILE,
  K_WHEN, K_WHERE, K_WHITESPACE, K_WINDOW, K_WITH, K_WITHIN, K_WITHOUT, K_WORK, K_WRAPPER, K_WRITE, K_XML,
  K_XMLATTRIBUTES, K_XMLCONCAT, K_XMLELEMENT, K_XMLEXISTS, K_XMLFOREST, K_XMLNAMESPACES, K_XMLPARSE, K_XMLPI,
  K_XMLROOT, K_XMLSERIALIZE, K_XMLTABLE, K_YEAR, K_YES, K_ZONE,
  // Keywords of the MySQL family only (lib/dialect/mysql_dialect.cc maps words onto them; PostgreSQL never does).
  K_AGAINST, K_CONVERT, K_DAY_HOUR, K_DAY_MICROSECOND, K_DAY_MINUTE, K_DAY_SECOND, K_DISTINCTROW, K_DIV, K_DUAL,
  K_EXPANSION, K_HIGH_PRIORITY, K_HOUR_MICROSECOND, K_HOUR_MINUTE, K_HOUR_SECOND, K_IGNORE, K_MICROSECOND,
  K_MINUTE_MICROSECOND, K_MINUTE_SECOND, K_MOD, K_QUARTER, K_QUERY, K_REGEXP, K_RLIKE, K_SECOND_MICROSECOND,
  K_SEPARATOR, K_SIGNED, K_SOUNDS, K_SQL_BIG_RESULT, K_SQL_BUFFER_RESULT, K_SQL_CACHE, K_SQL_CALC_FOUND_ROWS,
  K_SQL_NO_CACHE, K_SQL_SMALL_RESULT, K_STRAIGHT_JOIN, K_UNSIGNED, K_USE, K_WEEK, K_XOR, K_YEAR_MONTH,
  // Keywords of SQLite only (lib/dialect/sqlite_dialect.cc).
  K_GLOB, K_INDEXED
}


// Parser::exitRule of the 4.9 runtime is not virtual and finds the parent context with dynamic_cast on every rule
// exit; this member hides it inside the generated rule functions. Every context of a parse tree is a
// ParserRuleContext, so the static_cast is exact. (enterRule and enterOuterAlt are virtual: lib/parser/parser.cc
// overrides them.)
// Rule contexts and terminal nodes live in the parse's arenas, and the parser's bookkeeping avoids run-time type
// information (lib/parser/tree_support.h).
options { contextSuperClass = ArenaContext; superClass = ArenaParser; }

@parser::postinclude {
#include "lib/parser/tree_support.h"
}

@parser::members {
  void exitRule() {
    _ctx->stop = _matchedEOF ? _input->LT(1) : _input->LT(-1);
    if (!_parseListeners.empty()) triggerExitRuleEvent();
    setState(_ctx->invokingState);
    _ctx = static_cast<antlr4::ParserRuleContext *>(_ctx->parent);
  }
}

// =================================================================================================================
// Entry points
// =================================================================================================================

root : selectStmt SEMI? EOF ;

exprRoot : expr EOF ;

// =================================================================================================================
// Queries
// =================================================================================================================

// A full query: [WITH ...] set expression [ORDER BY ...] [LIMIT/OFFSET/FETCH] [FOR UPDATE ...]
// Labels (wc=..., ...) give the transform direct fields instead of accessors that scan the children with
// dynamic_cast.
selectStmt : wc=withClause? se=setExpr ob=orderByClause? qt=queryTail? ;

queryTail : (limitPart | offsetPart | lockingClause)+ ;

// UNION and EXCEPT bind looser than INTERSECT; all are left associative.
setExpr : setTerm (setOp=(K_UNION | K_EXCEPT) setQuantifier? setTerm)* ;

setTerm : setPrimary (K_INTERSECT setQuantifier? setPrimary)* ;

setQuantifier : K_ALL | K_DISTINCT ;

setPrimary
  : simpleSelect                  # spSelect
  | valuesClause                  # spValues
  | K_TABLE relationExpr          # spTable
  | LPAREN selectStmt RPAREN      # spParen
  | dmlStatement                  # spDml
  ;

simpleSelect
  : K_SELECT selectOption* dc=distinctClause? selectOption* tl=targetList? ic=intoClause? fc=fromClause?
    wc=whereClause? gc=groupByClause? hc=havingClause? wn=windowClause?
  ;

distinctClause : K_ALL | K_DISTINCT (K_ON LPAREN exprList RPAREN)? | K_DISTINCTROW ;

// MySQL's SELECT options (they do not change which rows are read).
selectOption
  : K_HIGH_PRIORITY | K_STRAIGHT_JOIN | K_SQL_SMALL_RESULT | K_SQL_BIG_RESULT | K_SQL_BUFFER_RESULT | K_SQL_CACHE
  | K_SQL_NO_CACHE | K_SQL_CALC_FOUND_ROWS
  ;

targetList : targetItem (COMMA targetItem)* ;

targetItem
  : STAR                                     # tiStar
  | expr (K_AS (colLabel | STRING) | bareColLabel | STRING)?     # tiExpr  // MySQL: a string as the alias
  ;

// SELECT ... INTO: recognised only to be refused.
intoClause : K_INTO (K_TEMPORARY | K_TEMP | K_UNLOGGED | (K_LOCAL | K_GLOBAL) (K_TEMPORARY | K_TEMP))? K_TABLE? qualifiedName ;

fromClause : K_FROM (fromItem (COMMA fromItem)* | K_DUAL) ;

whereClause : K_WHERE expr ;

groupByClause : K_GROUP K_BY setQuantifier? groupItem (COMMA groupItem)* (K_WITH K_ROLLUP)? ;

groupItem
  : LPAREN RPAREN                                                  # giEmpty
  | K_ROLLUP LPAREN exprList RPAREN                                # giRollup
  | K_CUBE LPAREN exprList RPAREN                                  # giCube
  | K_GROUPING K_SETS LPAREN groupItem (COMMA groupItem)* RPAREN   # giSets
  | expr                                                           # giExpr
  ;

havingClause : K_HAVING expr ;

windowClause : K_WINDOW windowDefinition (COMMA windowDefinition)* ;

windowDefinition : colId K_AS windowSpecification ;

valuesClause : K_VALUES valuesRow (COMMA valuesRow)* ;

valuesRow : K_ROW? LPAREN exprList RPAREN ;

orderByClause : K_ORDER K_BY sortItem (COMMA sortItem)* ;

sortItem : expr (K_ASC | K_DESC | K_USING qualAllOp)? (K_NULLS (K_FIRST | K_LAST))? ;

limitPart
  : K_LIMIT (K_ALL | expr (COMMA expr)?)                                             # lpLimit
  | K_FETCH (K_FIRST | K_NEXT) fetchCount? (K_ROW | K_ROWS) (K_ONLY | K_WITH K_TIES)  # lpFetch
  ;

fetchCount : (PLUS | MINUS)? (INTEGER | NUMERIC) | PARAM | LPAREN expr RPAREN ;

offsetPart : K_OFFSET expr (K_ROW | K_ROWS)? ;

// FOR UPDATE / SHARE ...: recognised only to be refused.
lockingClause
  : K_FOR (K_UPDATE | K_NO K_KEY K_UPDATE | K_SHARE | K_KEY K_SHARE) (K_OF qualifiedName (COMMA qualifiedName)*)?
    (K_NOWAIT | K_SKIP K_LOCKED)?
  | K_FOR K_READ K_ONLY
  | K_LOCK K_IN K_SHARE K_MODE
  ;

withClause : K_WITH K_RECURSIVE? commonTableExpr (COMMA commonTableExpr)* ;

commonTableExpr
  : colId (LPAREN nameList RPAREN)? K_AS (K_NOT? K_MATERIALIZED)? LPAREN selectStmt RPAREN searchClause? cycleClause? ;

// PostgreSQL 14+: SEARCH { DEPTH | BREADTH } FIRST BY columns SET column, and
// CYCLE columns SET column [TO value DEFAULT value] USING column (gram.y opt_search_clause, opt_cycle_clause).
searchClause : K_SEARCH (K_DEPTH | K_BREADTH) K_FIRST K_BY nameList K_SET colId ;

cycleClause : K_CYCLE nameList K_SET colId (K_TO cycleValue K_DEFAULT cycleValue)? K_USING colId ;

cycleValue : literal | typedLiteral ;

// INSERT / UPDATE / DELETE / MERGE where a query may stand (data-modifying CTEs): recognised only to be refused.
dmlStatement : (K_INSERT | K_UPDATE | K_DELETE | K_MERGE) balancedTokens ;

balancedTokens : (LPAREN balancedTokens RPAREN | ~(LPAREN | RPAREN | SEMI))* ;

// =================================================================================================================
// FROM items
// =================================================================================================================

fromItem : tableRef joinPart* ;

joinPart
  : K_CROSS K_JOIN tableRef                     # jpCross
  | K_NATURAL joinType? K_JOIN tableRef         # jpNatural
  | joinType? K_JOIN tableRef joinPart* joinQual # jpQualified  // a JOIN b JOIN c ON x ON y: b JOIN c ON x nests
  | K_STRAIGHT_JOIN tableRef (K_ON expr)?       # jpStraight   // MySQL: an inner join, the left table read first
  ;

joinType : K_INNER | (K_LEFT | K_RIGHT | K_FULL) K_OUTER? ;

joinQual
  : K_ON expr                                          # jqOn
  | K_USING LPAREN nameList RPAREN (K_AS colId)?       # jqUsing
  ;

tableRef
  : relationExpr partitionSelection? aliasClause? indexHint* tablesampleClause?    # trBase
  | K_LATERAL? LPAREN selectStmt RPAREN aliasClause?            # trDerived
  | K_LATERAL? funcTable                                        # trFunction
  | LPAREN joinedTable RPAREN aliasClause?                      # trParenJoin
  ;

joinedTable
  : tableRef joinPart+
  | LPAREN joinedTable RPAREN
  ;

relationExpr
  : qualifiedName STAR?
  | K_ONLY qualifiedName
  | K_ONLY LPAREN qualifiedName RPAREN
  ;

funcTable
  : tableFunction (K_WITH K_ORDINALITY)? funcAliasClause?
  | K_ROWS K_FROM LPAREN tableFunction (COMMA tableFunction)* RPAREN (K_WITH K_ORDINALITY)? aliasClause?
  ;

tableFunction : funcCall | specialFunc ;

aliasClause : K_AS? colId (LPAREN nameList RPAREN)? ;

// MySQL: t PARTITION (p0, p1), and index hints (they change the plan, not the rows).
partitionSelection : K_PARTITION LPAREN nameList RPAREN ;

indexHint
  : (K_USE | K_FORCE | K_IGNORE) (K_INDEX | K_KEY) (K_FOR (K_JOIN | K_ORDER K_BY | K_GROUP K_BY))?
    LPAREN (indexName (COMMA indexName)*)? RPAREN
  | K_INDEXED K_BY colId      // SQLite: the plan must use that index (the rows are the same)
  | K_NOT K_INDEXED           // SQLite: no index
  ;

indexName : colId | K_PRIMARY ;

tablesampleClause : K_TABLESAMPLE funcName LPAREN exprList RPAREN (K_REPEATABLE LPAREN expr RPAREN)? ;

// A function's alias may define its columns' types (a function returning record): AS t(a int, b text), or AS (a int).
funcAliasClause
  : K_AS? colId LPAREN columnDef (COMMA columnDef)* RPAREN    # faNamedDefs
  | K_AS LPAREN columnDef (COMMA columnDef)* RPAREN           # faDefs
  | aliasClause                                               # faAlias
  ;

columnDef : colId typeName ;

nameList : colId (COMMA colId)* ;

qualifiedName : colId (DOT colLabel)* ;

// =================================================================================================================
// Expressions, lowest precedence first (PostgreSQL 15 gram.y):
//   OR < AND < NOT < IS, ISNULL, NOTNULL < comparison < BETWEEN IN LIKE ILIKE SIMILAR < ESCAPE
//   < other operators < + - < * / % < ^ < AT TIME ZONE < COLLATE < unary minus < [ ] < :: < .
//
// Every rule invocation costs the ANTLR runtime a heap-allocated context, so levels whose operators are plain
// left-associative binary operators (OR/AND with prefix NOT; + - * / % ^ AT TIME ZONE with COLLATE; prefix
// operators before other operators) share one rule each, as a flat list that the transform
// (lib/parser/transform_expr.cc) folds by the precedence above into the same tree as one rule per level would.
// Every decision stays LL(1).
// =================================================================================================================

// OR < AND < NOT < IS: prefix NOTs apply to the cmpExpr they precede with its IS suffixes; AND binds tighter
// than OR.
expr : K_NOT* cmpExpr isSuffix* ((K_AND | K_OR | K_XOR) K_NOT* cmpExpr isSuffix*)* ;

isSuffix : K_IS K_NOT? isTest | K_ISNULL | K_NOTNULL ;

isTest : K_NULL | K_TRUE | K_FALSE | K_UNKNOWN | K_DISTINCT K_FROM cmpExpr | cmpExpr ;  // the last: SQLite's a IS b

cmpExpr : lhs=likeExpr (op=cmpOp (q=quantifiedRhs | rhs=likeExpr))? ;

cmpOp : EQ | NEQ | LT | GT | LE | GE ;

quantifiedRhs : (K_ANY | K_SOME | K_ALL) LPAREN (selectStmt | expr) RPAREN ;

// BETWEEN's bounds are one level up, so the AND of BETWEEN is never taken for a boolean AND.
likeExpr : otherOpExpr (K_NOT? likeTail)? ;

likeTail
  : K_BETWEEN (K_SYMMETRIC | K_ASYMMETRIC)? otherOpExpr K_AND otherOpExpr     # ltBetween
  | K_IN inRhs                                                              # ltIn
  | likeOp (quantifiedRhs | otherOpExpr (K_ESCAPE otherOpExpr)?)            # ltLike
  | K_SOUNDS K_LIKE otherOpExpr                                             # ltSoundsLike
  ;

likeOp : K_LIKE | K_ILIKE | K_SIMILAR K_TO | K_REGEXP | K_RLIKE | K_GLOB | K_MATCH ;

inRhs
  : LPAREN selectStmt RPAREN    # inSubquery
  | LPAREN exprList RPAREN      # inList
  ;

// Prefix operators (~ @ |/ ...) bind like other operators: `~ a + b` is `~ (a + b)`: they apply to the addExpr
// they precede.
otherOpExpr : OP* addExpr (qualOp (quantifiedRhs | OP* addExpr))* ;

qualOp : OP | CONCAT | K_OPERATOR LPAREN anyOperator RPAREN ;

qualAllOp : allOp | K_OPERATOR LPAREN anyOperator RPAREN ;

anyOperator : (colId DOT)* allOp ;

allOp : OP | CONCAT | EQ | NEQ | LT | GT | LE | GE | PLUS | MINUS | STAR | SLASH | PERCENT | CARET ;

// + - < * / % < ^ < AT TIME ZONE < COLLATE < unary + - < [ ] :: . : operands (signs, primary, postfix operators,
// COLLATE suffixes) separated by binary operators.
addExpr
  : (PLUS | MINUS)* primary postfixOp* (K_COLLATE collationName)*
    ((PLUS | MINUS | STAR | SLASH | PERCENT | CARET | K_AT K_TIME K_ZONE | K_DIV | K_MOD) (PLUS | MINUS)* primary
      postfixOp* (K_COLLATE collationName)*)*
  ;

collationName : anyName | STRING ;


postfixOp
  : LBRACKET expr RBRACKET                          # poSubscript
  | LBRACKET lower=expr? COLON upper=expr? RBRACKET  # poSlice
  | TYPECAST typeName                               # poCast
  | DOT colLabel                                    # poField
  | DOT STAR                                        # poFieldStar
  ;

primary
  : literal                                   # prLiteral
  | PARAM                                     # prParam
  | VARIABLE                                  # prVariable
  | typedLiteral                              # prTypedLiteral
  | K_INTERVAL otherOpExpr intervalUnit       # prInterval  // MySQL: INTERVAL expr unit (after the literal form)
  | caseExpr                                  # prCase
  | K_CAST LPAREN expr K_AS (typeName | mysqlCastType) RPAREN   # prCast
  | specialFunc                               # prSpecialFunc
  | funcCall                                  # prFuncCall
  | colId                                     # prColumnRef
  | K_ARRAY arrayBrackets                     # prArray
  | K_ARRAY LPAREN selectStmt RPAREN          # prArraySubquery
  | K_ROW LPAREN exprList? RPAREN             # prRow
  | K_EXISTS LPAREN selectStmt RPAREN         # prExists
  | LPAREN selectStmt RPAREN                  # prSubquery
  | LPAREN expr (COMMA expr)* RPAREN          # prParen
  ;

// STRING STRING+: MySQL's adjacent string literals, one value; INTRODUCER: MySQL's _charset before a literal.
literal : INTEGER | NUMERIC | INTRODUCER? STRING+ | INTRODUCER? (BITSTRING | HEXSTRING) | K_TRUE | K_FALSE | K_NULL ;

// MySQL's INTERVAL units.
intervalUnit
  : K_MICROSECOND | K_SECOND | K_MINUTE | K_HOUR | K_DAY | K_WEEK | K_MONTH | K_QUARTER | K_YEAR
  | K_SECOND_MICROSECOND | K_MINUTE_MICROSECOND | K_MINUTE_SECOND | K_HOUR_MICROSECOND | K_HOUR_SECOND
  | K_HOUR_MINUTE | K_DAY_MICROSECOND | K_DAY_SECOND | K_DAY_MINUTE | K_DAY_HOUR | K_YEAR_MONTH
  ;

// MySQL's cast targets spelled with keywords: SIGNED [INT | INTEGER], UNSIGNED [INT | INTEGER].
mysqlCastType : (K_SIGNED | K_UNSIGNED) IDENT? ;

arrayBrackets : LBRACKET (arrayElement (COMMA arrayElement)*)? RBRACKET ;

arrayElement : arrayBrackets | expr ;

// Generic type names take no modifiers here: `name(...) 'x'` would make every function call need lookahead past
// its closing parenthesis.
typedLiteral
  : keywordTypeName STRING
  | K_INTERVAL STRING intervalQualifier?
  | K_INTERVAL LPAREN INTEGER RPAREN STRING
  | funcName STRING
  ;

caseExpr : K_CASE expr? caseWhen+ (K_ELSE expr)? K_END ;

caseWhen : K_WHEN expr K_THEN expr ;

// A column reference (primary's prColumnRef) is one name; `t.c`, `s.t.c` and `t.*` are completed by postfixOp
// (merged into one ColumnRef by the transform). A dotted loop there would compete with postfixOp's DOT on every
// name.

anyName : colId (DOT colLabel)* ;

exprList : expr (COMMA expr)* ;

// ---- function calls ---------------------------------------------------------------------------------------------

funcCall : fn=funcName LPAREN args=funcArgList? RPAREN wg=withinGroupClause? fl=filterClause? ov=overClause? ;

funcName
  : typeFunctionName
  | colId (DOT colLabel)+
  ;

funcArgList
  : STAR
  | setQuantifier? funcArg (COMMA funcArg)* (COMMA K_VARIADIC funcArg)? orderByClause? (K_SEPARATOR STRING)?
  | K_VARIADIC funcArg orderByClause?
  ;

funcArg
  : typeFunctionName (EQUALS_GREATER | COLON_EQUALS) expr   # faNamed
  | expr                                                   # faPlain
  ;

withinGroupClause : K_WITHIN K_GROUP LPAREN orderByClause RPAREN ;

filterClause : K_FILTER LPAREN K_WHERE expr RPAREN ;

overClause : K_OVER (windowSpecification | colId) ;

windowSpecification : LPAREN colId? partitionClause? orderByClause? frameClause? RPAREN ;

partitionClause : K_PARTITION K_BY exprList ;

frameClause : (K_RANGE | K_ROWS | K_GROUPS) (K_BETWEEN frameBound K_AND frameBound | frameBound) frameExclusion? ;

frameBound
  : K_UNBOUNDED (K_PRECEDING | K_FOLLOWING)
  | K_CURRENT K_ROW
  | expr (K_PRECEDING | K_FOLLOWING)
  ;

frameExclusion : K_EXCLUDE (K_CURRENT K_ROW | K_GROUP | K_TIES | K_NO K_OTHERS) ;

// SQL-standard functions with keyword syntax and niladic value functions.
specialFunc
  : (K_CURRENT_DATE | K_CURRENT_ROLE | K_CURRENT_USER | K_SESSION_USER | K_USER | K_CURRENT_CATALOG
      | K_CURRENT_SCHEMA)                                                                  # sfNiladic
  | (K_CURRENT_TIME | K_CURRENT_TIMESTAMP | K_LOCALTIME | K_LOCALTIMESTAMP) (LPAREN INTEGER RPAREN)?  # sfTime
  | K_EXTRACT LPAREN extractField K_FROM expr RPAREN                                        # sfExtract
  | K_SUBSTRING LPAREN substringArgs? RPAREN                                               # sfSubstring
  | K_TRIM LPAREN (K_BOTH | K_LEADING | K_TRAILING)? trimArgs RPAREN                       # sfTrim
  | K_POSITION LPAREN otherOpExpr K_IN otherOpExpr RPAREN                                  # sfPosition
  | K_OVERLAY LPAREN expr (K_PLACING expr K_FROM expr (K_FOR expr)? | (COMMA expr)*) RPAREN  # sfOverlay
  | (K_COALESCE | K_NULLIF | K_GREATEST | K_LEAST | K_GROUPING) LPAREN exprList RPAREN      # sfList
  | K_COLLATION K_FOR LPAREN expr RPAREN                                                   # sfCollationFor
  | K_CONVERT LPAREN expr (COMMA (typeName | mysqlCastType) | K_USING anyName) RPAREN       # sfConvert
  | K_MATCH LPAREN exprList RPAREN K_AGAINST LPAREN otherOpExpr matchMode? RPAREN          # sfMatch
  ;

matchMode
  : K_IN K_NATURAL K_LANGUAGE K_MODE (K_WITH K_QUERY K_EXPANSION)?
  | K_IN K_BOOLEAN K_MODE
  | K_WITH K_QUERY K_EXPANSION
  ;

extractField : IDENT | K_YEAR | K_MONTH | K_DAY | K_HOUR | K_MINUTE | K_SECOND | STRING | intervalUnit ;

substringArgs
  : expr (K_FROM expr (K_FOR expr)? | K_FOR expr (K_FROM expr)? | (COMMA expr)*)
  | otherOpExpr K_SIMILAR otherOpExpr K_ESCAPE otherOpExpr
  ;

trimArgs
  : expr K_FROM exprList
  | K_FROM exprList
  | exprList
  ;

// ---- types ------------------------------------------------------------------------------------------------------

typeName : K_SETOF? simpleTypeName arrayBounds? ;

simpleTypeName
  : constTypeName
  | K_INTERVAL (intervalQualifier | LPAREN INTEGER RPAREN)?
  ;

constTypeName
  : keywordTypeName
  | genericType
  ;

// Types spelled with keywords: one normalized name (`double precision`, `timestamp with time zone`).
keywordTypeName
  : numericType
  | characterType (LPAREN INTEGER RPAREN)?
  | K_BIT K_VARYING? (LPAREN INTEGER RPAREN)?
  | (K_TIMESTAMP | K_TIME) (LPAREN INTEGER RPAREN)? ((K_WITH | K_WITHOUT) K_TIME K_ZONE)?
  ;

numericType
  : K_INT | K_INTEGER | K_SMALLINT | K_BIGINT | K_REAL | K_BOOLEAN
  | K_FLOAT (LPAREN INTEGER RPAREN)?
  | K_DOUBLE K_PRECISION
  | (K_DECIMAL | K_DEC | K_NUMERIC) typeModifiers?
  ;

characterType
  : (K_CHARACTER | K_CHAR | K_NCHAR) K_VARYING?
  | K_VARCHAR
  | K_NATIONAL (K_CHARACTER | K_CHAR) K_VARYING?
  ;

genericType : typeFunctionName (DOT colLabel)* typeModifiers? ;

typeModifiers : LPAREN exprList RPAREN ;

arrayBounds
  : (LBRACKET INTEGER? RBRACKET)+
  | K_ARRAY (LBRACKET INTEGER RBRACKET)?
  ;

intervalQualifier
  : K_YEAR (K_TO K_MONTH)?
  | K_MONTH
  | K_DAY (K_TO (K_HOUR | K_MINUTE | intervalSecond))?
  | K_HOUR (K_TO (K_MINUTE | intervalSecond))?
  | K_MINUTE (K_TO intervalSecond)?
  | intervalSecond
  ;

intervalSecond : K_SECOND (LPAREN INTEGER RPAREN)? ;

// =================================================================================================================
// Names
// =================================================================================================================

// Column, table and schema names: identifiers, unreserved and col_name keywords.
colId : IDENT | QIDENT | unreservedKeyword | colNameKeyword ;

// Function and type names: identifiers, unreserved and type_func_name keywords.
typeFunctionName : IDENT | QIDENT | unreservedKeyword | typeFuncNameKeyword ;

// After AS, and after a dot: any word.
colLabel : IDENT | QIDENT | unreservedKeyword | colNameKeyword | typeFuncNameKeyword | reservedKeyword ;

// A column alias without AS.
bareColLabel : IDENT | QIDENT | bareLabelKeyword ;

// ---- keyword classes (PostgreSQL 15 pg_get_keywords(): catcode U / C / T / R, barelabel) ----
unreservedKeyword
  : K_ABORT | K_ABSOLUTE | K_ACCESS | K_ACTION | K_ADD | K_ADMIN | K_AFTER | K_AGGREGATE | K_ALSO | K_ALTER |
    K_ALWAYS | K_ASENSITIVE | K_ASSERTION | K_ASSIGNMENT | K_AT | K_ATOMIC | K_ATTACH | K_ATTRIBUTE |
    K_BACKWARD | K_BEFORE | K_BEGIN | K_BREADTH | K_BY | K_CACHE | K_CALL | K_CALLED | K_CASCADE |
    K_CASCADED | K_CATALOG | K_CHAIN | K_CHARACTERISTICS | K_CHECKPOINT | K_CLASS | K_CLOSE | K_CLUSTER |
    K_COLUMNS | K_COMMENT | K_COMMENTS | K_COMMIT | K_COMMITTED | K_COMPRESSION | K_CONFIGURATION |
    K_CONFLICT | K_CONNECTION | K_CONSTRAINTS | K_CONTENT | K_CONTINUE | K_CONVERSION | K_COPY | K_COST |
    K_CSV | K_CUBE | K_CURRENT | K_CURSOR | K_CYCLE | K_DATA | K_DATABASE | K_DAY | K_DEALLOCATE |
    K_DECLARE | K_DEFAULTS | K_DEFERRED | K_DEFINER | K_DELETE | K_DELIMITER | K_DELIMITERS | K_DEPENDS |
    K_DEPTH | K_DETACH | K_DICTIONARY | K_DISABLE | K_DISCARD | K_DOCUMENT | K_DOMAIN | K_DOUBLE | K_DROP |
    K_EACH | K_ENABLE | K_ENCODING | K_ENCRYPTED | K_ENUM | K_ESCAPE | K_EVENT | K_EXCLUDE | K_EXCLUDING |
    K_EXCLUSIVE | K_EXECUTE | K_EXPLAIN | K_EXPRESSION | K_EXTENSION | K_EXTERNAL | K_FAMILY | K_FILTER |
    K_FINALIZE | K_FIRST | K_FOLLOWING | K_FORCE | K_FORWARD | K_FUNCTION | K_FUNCTIONS | K_GENERATED |
    K_GLOBAL | K_GRANTED | K_GROUPS | K_HANDLER | K_HEADER | K_HOLD | K_HOUR | K_IDENTITY | K_IF |
    K_IMMEDIATE | K_IMMUTABLE | K_IMPLICIT | K_IMPORT | K_INCLUDE | K_INCLUDING | K_INCREMENT | K_INDEX |
    K_INDEXES | K_INHERIT | K_INHERITS | K_INLINE | K_INPUT | K_INSENSITIVE | K_INSERT | K_INSTEAD |
    K_INVOKER | K_ISOLATION | K_KEY | K_LABEL | K_LANGUAGE | K_LARGE | K_LAST | K_LEAKPROOF | K_LEVEL |
    K_LISTEN | K_LOAD | K_LOCAL | K_LOCATION | K_LOCK | K_LOCKED | K_LOGGED | K_MAPPING | K_MATCH |
    K_MATCHED | K_MATERIALIZED | K_MAXVALUE | K_MERGE | K_METHOD | K_MINUTE | K_MINVALUE | K_MODE | K_MONTH |
    K_MOVE | K_NAME | K_NAMES | K_NEW | K_NEXT | K_NFC | K_NFD | K_NFKC | K_NFKD | K_NO | K_NORMALIZED |
    K_NOTHING | K_NOTIFY | K_NOWAIT | K_NULLS | K_OBJECT | K_OF | K_OFF | K_OIDS | K_OLD | K_OPERATOR |
    K_OPTION | K_OPTIONS | K_ORDINALITY | K_OTHERS | K_OVER | K_OVERRIDING | K_OWNED | K_OWNER | K_PARALLEL |
    K_PARAMETER | K_PARSER | K_PARTIAL | K_PARTITION | K_PASSING | K_PASSWORD | K_PLANS | K_POLICY |
    K_PRECEDING | K_PREPARE | K_PREPARED | K_PRESERVE | K_PRIOR | K_PRIVILEGES | K_PROCEDURAL | K_PROCEDURE |
    K_PROCEDURES | K_PROGRAM | K_PUBLICATION | K_QUOTE | K_RANGE | K_READ | K_REASSIGN | K_RECHECK |
    K_RECURSIVE | K_REF | K_REFERENCING | K_REFRESH | K_REINDEX | K_RELATIVE | K_RELEASE | K_RENAME |
    K_REPEATABLE | K_REPLACE | K_REPLICA | K_RESET | K_RESTART | K_RESTRICT | K_RETURN | K_RETURNS |
    K_REVOKE | K_ROLE | K_ROLLBACK | K_ROLLUP | K_ROUTINE | K_ROUTINES | K_ROWS | K_RULE | K_SAVEPOINT |
    K_SCHEMA | K_SCHEMAS | K_SCROLL | K_SEARCH | K_SECOND | K_SECURITY | K_SEQUENCE | K_SEQUENCES |
    K_SERIALIZABLE | K_SERVER | K_SESSION | K_SET | K_SETS | K_SHARE | K_SHOW | K_SIMPLE | K_SKIP |
    K_SNAPSHOT | K_SQL | K_STABLE | K_STANDALONE | K_START | K_STATEMENT | K_STATISTICS | K_STDIN |
    K_STDOUT | K_STORAGE | K_STORED | K_STRICT | K_STRIP | K_SUBSCRIPTION | K_SUPPORT | K_SYSID | K_SYSTEM |
    K_TABLES | K_TABLESPACE | K_TEMP | K_TEMPLATE | K_TEMPORARY | K_TEXT | K_TIES | K_TRANSACTION |
    K_TRANSFORM | K_TRIGGER | K_TRUNCATE | K_TRUSTED | K_TYPE | K_TYPES | K_UESCAPE | K_UNBOUNDED |
    K_UNCOMMITTED | K_UNENCRYPTED | K_UNKNOWN | K_UNLISTEN | K_UNLOGGED | K_UNTIL | K_UPDATE | K_VACUUM |
    K_VALID | K_VALIDATE | K_VALIDATOR | K_VALUE | K_VARYING | K_VERSION | K_VIEW | K_VIEWS | K_VOLATILE |
    K_WHITESPACE | K_WITHIN | K_WITHOUT | K_WORK | K_WRAPPER | K_WRITE | K_XML | K_YEAR | K_YES | K_ZONE |
    K_AGAINST | K_EXPANSION | K_MICROSECOND | K_QUARTER | K_QUERY | K_SIGNED | K_SQL_BUFFER_RESULT | K_SQL_CACHE |
    K_SQL_NO_CACHE | K_WEEK
  ;
colNameKeyword
  : K_BETWEEN | K_BIGINT | K_BIT | K_BOOLEAN | K_CHAR | K_CHARACTER | K_COALESCE | K_DEC | K_DECIMAL |
    K_EXISTS | K_EXTRACT | K_FLOAT | K_GREATEST | K_GROUPING | K_INOUT | K_INT | K_INTEGER | K_INTERVAL |
    K_LEAST | K_NATIONAL | K_NCHAR | K_NONE | K_NORMALIZE | K_NULLIF | K_NUMERIC | K_OUT | K_OVERLAY |
    K_POSITION | K_PRECISION | K_REAL | K_ROW | K_SETOF | K_SMALLINT | K_SUBSTRING | K_TIME | K_TIMESTAMP |
    K_TREAT | K_TRIM | K_VALUES | K_VARCHAR | K_XMLATTRIBUTES | K_XMLCONCAT | K_XMLELEMENT | K_XMLEXISTS |
    K_XMLFOREST | K_XMLNAMESPACES | K_XMLPARSE | K_XMLPI | K_XMLROOT | K_XMLSERIALIZE | K_XMLTABLE
  ;
typeFuncNameKeyword
  : K_AUTHORIZATION | K_BINARY | K_COLLATION | K_CONCURRENTLY | K_CROSS | K_CURRENT_SCHEMA | K_FREEZE |
    K_FULL | K_ILIKE | K_INNER | K_IS | K_ISNULL | K_JOIN | K_LEFT | K_LIKE | K_NATURAL | K_NOTNULL |
    K_OUTER | K_OVERLAPS | K_RIGHT | K_SIMILAR | K_TABLESAMPLE | K_VERBOSE | K_MOD | K_GLOB
  ;
reservedKeyword
  : K_ALL | K_ANALYSE | K_ANALYZE | K_AND | K_ANY | K_ARRAY | K_AS | K_ASC | K_ASYMMETRIC | K_BOTH | K_CASE |
    K_CAST | K_CHECK | K_COLLATE | K_COLUMN | K_CONSTRAINT | K_CREATE | K_CURRENT_CATALOG | K_CURRENT_DATE |
    K_CURRENT_ROLE | K_CURRENT_TIME | K_CURRENT_TIMESTAMP | K_CURRENT_USER | K_DEFAULT | K_DEFERRABLE |
    K_DESC | K_DISTINCT | K_DO | K_ELSE | K_END | K_EXCEPT | K_FALSE | K_FETCH | K_FOR | K_FOREIGN | K_FROM |
    K_GRANT | K_GROUP | K_HAVING | K_IN | K_INITIALLY | K_INTERSECT | K_INTO | K_LATERAL | K_LEADING |
    K_LIMIT | K_LOCALTIME | K_LOCALTIMESTAMP | K_NOT | K_NULL | K_OFFSET | K_ON | K_ONLY | K_OR | K_ORDER |
    K_PLACING | K_PRIMARY | K_REFERENCES | K_RETURNING | K_SELECT | K_SESSION_USER | K_SOME | K_SYMMETRIC |
    K_TABLE | K_THEN | K_TO | K_TRAILING | K_TRUE | K_UNION | K_UNIQUE | K_USER | K_USING | K_VARIADIC |
    K_WHEN | K_WHERE | K_WINDOW | K_WITH | K_INDEXED
  ;
// Keywords that may be used as a column label without AS: PG15's BARE_LABEL keywords, except the operator
// keywords that can continue an expression (AND OR IS NOT BETWEEN IN LIKE ILIKE SIMILAR ESCAPE COLLATE AT
// OPERATOR). PostgreSQL accepts `SELECT 1 and`; rlsq refuses it, which keeps every expression-layer decision LL(1)
// (no adaptive prediction per precedence level).
bareLabelKeyword
  : K_ABORT | K_ABSOLUTE | K_ACCESS | K_ACTION | K_ADD | K_ADMIN | K_AFTER | K_AGGREGATE | K_ALL | K_ALSO |
    K_ALTER | K_ALWAYS | K_ANALYSE | K_ANALYZE | K_ANY | K_ASC | K_ASENSITIVE | K_ASSERTION | K_ASSIGNMENT |
    K_ASYMMETRIC | K_ATOMIC | K_ATTACH | K_ATTRIBUTE | K_AUTHORIZATION | K_BACKWARD | K_BEFORE | K_BEGIN |
    K_BIGINT | K_BINARY | K_BIT | K_BOOLEAN | K_BOTH | K_BREADTH | K_BY | K_CACHE | K_CALL | K_CALLED |
    K_CASCADE | K_CASCADED | K_CASE | K_CAST | K_CATALOG | K_CHAIN | K_CHARACTERISTICS | K_CHECK |
    K_CHECKPOINT | K_CLASS | K_CLOSE | K_CLUSTER | K_COALESCE | K_COLLATION | K_COLUMN | K_COLUMNS |
    K_COMMENT | K_COMMENTS | K_COMMIT | K_COMMITTED | K_COMPRESSION | K_CONCURRENTLY | K_CONFIGURATION |
    K_CONFLICT | K_CONNECTION | K_CONSTRAINT | K_CONSTRAINTS | K_CONTENT | K_CONTINUE | K_CONVERSION |
    K_COPY | K_COST | K_CROSS | K_CSV | K_CUBE | K_CURRENT | K_CURRENT_CATALOG | K_CURRENT_DATE |
    K_CURRENT_ROLE | K_CURRENT_SCHEMA | K_CURRENT_TIME | K_CURRENT_TIMESTAMP | K_CURRENT_USER | K_CURSOR |
    K_CYCLE | K_DATA | K_DATABASE | K_DEALLOCATE | K_DEC | K_DECIMAL | K_DECLARE | K_DEFAULT | K_DEFAULTS |
    K_DEFERRABLE | K_DEFERRED | K_DEFINER | K_DELETE | K_DELIMITER | K_DELIMITERS | K_DEPENDS | K_DEPTH |
    K_DESC | K_DETACH | K_DICTIONARY | K_DISABLE | K_DISCARD | K_DISTINCT | K_DO | K_DOCUMENT | K_DOMAIN |
    K_DOUBLE | K_DROP | K_EACH | K_ELSE | K_ENABLE | K_ENCODING | K_ENCRYPTED | K_END | K_ENUM | K_EVENT |
    K_EXCLUDE | K_EXCLUDING | K_EXCLUSIVE | K_EXECUTE | K_EXISTS | K_EXPLAIN | K_EXPRESSION | K_EXTENSION |
    K_EXTERNAL | K_EXTRACT | K_FALSE | K_FAMILY | K_FINALIZE | K_FIRST | K_FLOAT | K_FOLLOWING | K_FORCE |
    K_FOREIGN | K_FORWARD | K_FREEZE | K_FULL | K_FUNCTION | K_FUNCTIONS | K_GENERATED | K_GLOBAL |
    K_GRANTED | K_GREATEST | K_GROUPING | K_GROUPS | K_HANDLER | K_HEADER | K_HOLD | K_IDENTITY | K_IF |
    K_IMMEDIATE | K_IMMUTABLE | K_IMPLICIT | K_IMPORT | K_INCLUDE | K_INCLUDING | K_INCREMENT | K_INDEX |
    K_INDEXES | K_INHERIT | K_INHERITS | K_INITIALLY | K_INLINE | K_INNER | K_INOUT | K_INPUT |
    K_INSENSITIVE | K_INSERT | K_INSTEAD | K_INT | K_INTEGER | K_INTERVAL | K_INVOKER | K_ISOLATION |
    K_JOIN | K_KEY | K_LABEL | K_LANGUAGE | K_LARGE | K_LAST | K_LATERAL | K_LEADING | K_LEAKPROOF |
    K_LEAST | K_LEFT | K_LEVEL | K_LISTEN | K_LOAD | K_LOCAL | K_LOCALTIME | K_LOCALTIMESTAMP | K_LOCATION |
    K_LOCK | K_LOCKED | K_LOGGED | K_MAPPING | K_MATCH | K_MATCHED | K_MATERIALIZED | K_MAXVALUE | K_MERGE |
    K_METHOD | K_MINVALUE | K_MODE | K_MOVE | K_NAME | K_NAMES | K_NATIONAL | K_NATURAL | K_NCHAR | K_NEW |
    K_NEXT | K_NFC | K_NFD | K_NFKC | K_NFKD | K_NO | K_NONE | K_NORMALIZE | K_NORMALIZED | K_NOTHING |
    K_NOTIFY | K_NOWAIT | K_NULL | K_NULLIF | K_NULLS | K_NUMERIC | K_OBJECT | K_OF | K_OFF | K_OIDS |
    K_OLD | K_ONLY | K_OPTION | K_OPTIONS | K_ORDINALITY | K_OTHERS | K_OUT | K_OUTER | K_OVERLAY |
    K_OVERRIDING | K_OWNED | K_OWNER | K_PARALLEL | K_PARAMETER | K_PARSER | K_PARTIAL | K_PARTITION |
    K_PASSING | K_PASSWORD | K_PLACING | K_PLANS | K_POLICY | K_POSITION | K_PRECEDING | K_PREPARE |
    K_PREPARED | K_PRESERVE | K_PRIMARY | K_PRIOR | K_PRIVILEGES | K_PROCEDURAL | K_PROCEDURE |
    K_PROCEDURES | K_PROGRAM | K_PUBLICATION | K_QUOTE | K_RANGE | K_READ | K_REAL | K_REASSIGN | K_RECHECK |
    K_RECURSIVE | K_REF | K_REFERENCES | K_REFERENCING | K_REFRESH | K_REINDEX | K_RELATIVE | K_RELEASE |
    K_RENAME | K_REPEATABLE | K_REPLACE | K_REPLICA | K_RESET | K_RESTART | K_RESTRICT | K_RETURN |
    K_RETURNS | K_REVOKE | K_RIGHT | K_ROLE | K_ROLLBACK | K_ROLLUP | K_ROUTINE | K_ROUTINES | K_ROW |
    K_ROWS | K_RULE | K_SAVEPOINT | K_SCHEMA | K_SCHEMAS | K_SCROLL | K_SEARCH | K_SECURITY | K_SELECT |
    K_SEQUENCE | K_SEQUENCES | K_SERIALIZABLE | K_SERVER | K_SESSION | K_SESSION_USER | K_SET | K_SETOF |
    K_SETS | K_SHARE | K_SHOW | K_SIMPLE | K_SKIP | K_SMALLINT | K_SNAPSHOT | K_SOME | K_SQL | K_STABLE |
    K_STANDALONE | K_START | K_STATEMENT | K_STATISTICS | K_STDIN | K_STDOUT | K_STORAGE | K_STORED |
    K_STRICT | K_STRIP | K_SUBSCRIPTION | K_SUBSTRING | K_SUPPORT | K_SYMMETRIC | K_SYSID | K_SYSTEM |
    K_TABLE | K_TABLES | K_TABLESAMPLE | K_TABLESPACE | K_TEMP | K_TEMPLATE | K_TEMPORARY | K_TEXT | K_THEN |
    K_TIES | K_TIME | K_TIMESTAMP | K_TRAILING | K_TRANSACTION | K_TRANSFORM | K_TREAT | K_TRIGGER | K_TRIM |
    K_TRUE | K_TRUNCATE | K_TRUSTED | K_TYPE | K_TYPES | K_UESCAPE | K_UNBOUNDED | K_UNCOMMITTED |
    K_UNENCRYPTED | K_UNIQUE | K_UNKNOWN | K_UNLISTEN | K_UNLOGGED | K_UNTIL | K_UPDATE | K_USER | K_USING |
    K_VACUUM | K_VALID | K_VALIDATE | K_VALIDATOR | K_VALUE | K_VALUES | K_VARCHAR | K_VARIADIC | K_VERBOSE |
    K_VERSION | K_VIEW | K_VIEWS | K_VOLATILE | K_WHEN | K_WHITESPACE | K_WORK | K_WRAPPER | K_WRITE |
    K_XML | K_XMLATTRIBUTES | K_XMLCONCAT | K_XMLELEMENT | K_XMLEXISTS | K_XMLFOREST | K_XMLNAMESPACES |
    K_XMLPARSE | K_XMLPI | K_XMLROOT | K_XMLSERIALIZE | K_XMLTABLE | K_YES | K_ZONE
  ;
