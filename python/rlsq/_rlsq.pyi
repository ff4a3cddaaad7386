"""Type stubs of the native module rlsq._rlsq (re-exported by the package rlsq)."""

import os
from typing import Any, Dict, List, Optional, Union

__version__: str

CallerDict = Dict[str, Any]
"""An inline caller: optional keys username (str), id (int), email (str), roles (list of str), attributes (dict)."""

GuestRule = Dict[str, Union[str, int, None]]
"""A guest-token rule: {"dataset": str | int | None, "clause": str}."""

def _register_errors(
    error: type, query_refused: type, access_denied: type, unknown_user: type, policy_error: type,
    unknown_dialect: type,
) -> None: ...

class Engine:
    """A row-level-security rewriting engine built from one policy; thread-safe."""

    @staticmethod
    def from_file(
        path: Union[str, "os.PathLike[str]"],
        dialect: Optional[str] = None,
        dialect_options: Optional[Dict[str, Union[str, int]]] = None,
    ) -> "Engine":
        """Load a policy file (JSON); PolicyError when it cannot be read or is invalid."""
    @staticmethod
    def from_json(
        text: str, dialect: Optional[str] = None, dialect_options: Optional[Dict[str, Union[str, int]]] = None
    ) -> "Engine":
        """Build an engine from a policy document (JSON); PolicyError when it is invalid."""
    @staticmethod
    def from_policy_db(
        uri: str,
        settings: Optional[Union[Dict[str, Any], str]] = None,
        dialect: Optional[str] = None,
        dialect_options: Optional[Dict[str, Union[str, int]]] = None,
    ) -> "Engine":
        """Read the policy from Superset's metadata database (SQLALCHEMY_DATABASE_URI); PolicyError on failure."""
    def watch(self, interval: float = 2.0) -> None:
        """Follow the engine's policy file or metadata database, reloading it when it changes."""
    @property
    def watch_status(self) -> Dict[str, Any]:
        """{watching, source, polls, reloads, failures, last_error, warnings}."""
    def rewrite(
        self,
        sql: str,
        user: Optional[str] = None,
        caller: Optional[CallerDict] = None,
        dialect: Optional[str] = None,
        database: Optional[str] = None,
        guest_rules: Optional[List[GuestRule]] = None,
        search_path: Optional[List[str]] = None,
        search_path_unknown: bool = False,
    ) -> str:
        """Rewrite one read-only query for a caller (user, inline caller, or the public role when neither)."""
    def explain(
        self,
        sql: str,
        user: Optional[str] = None,
        caller: Optional[CallerDict] = None,
        dialect: Optional[str] = None,
        database: Optional[str] = None,
        guest_rules: Optional[List[GuestRule]] = None,
        search_path: Optional[List[str]] = None,
        search_path_unknown: bool = False,
    ) -> Dict[str, Any]:
        """Like rewrite, returning the report of every table reference and the filters applied."""
    def can(
        self, user: Optional[str], permission: str, resource: str, caller: Optional[CallerDict] = None
    ) -> bool:
        """Does the caller hold permission on resource (Flask-AppBuilder)?"""
    def cache_key(
        self,
        user: Optional[str] = None,
        caller: Optional[CallerDict] = None,
        guest_rules: Optional[List[GuestRule]] = None,
        database: Optional[str] = None,
        dialect: Optional[str] = None,
        search_path: Optional[List[str]] = None,
        search_path_unknown: bool = False,
    ) -> str:
        """A key for result caches: equal only when every filter the callers get is the same (hex SHA-256)."""
    def reload(self, path: Union[str, "os.PathLike[str]", None] = None, json: Optional[str] = None) -> None:
        """Replace the policy from a file or JSON text (exactly one); PolicyError keeps the old one."""
    @property
    def reloads(self) -> int:
        """How many times the policy was replaced."""
    @property
    def plan_cache_hits(self) -> int:
        """Rewrites that reused a cached plan (since the last reload)."""
    @property
    def plan_cache_shape_hits(self) -> int:
        """Hits on a query that differs from a cached one only in constants, whitespace and comments."""
    @property
    def plan_cache_misses(self) -> int:
        """Rewrites that parsed and analysed afresh (since the last reload)."""
