parser grammar PostgresParser;
tokens { IDENT }
root : IDENT EOF ;
