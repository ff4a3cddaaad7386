// The built-in role presets of Superset and Airflow (both on Flask-AppBuilder), as facts taken from the seeds:
// STANDARD_ROLES.md (Admin, Alpha, Gamma, sql_lab), superset-public-role-pr.txt (the built-in Public role, final
// list after review) and airflow-access-control.rst with Airflow's security.py role definitions.
#pragma once

#include <span>
#include <string_view>
#include <utility>
#include <vector>

namespace rlsq::access {

using Grant = std::pair<std::string_view, std::string_view>;  // (permission, view menu)

struct Preset {
  std::string_view name;
  std::vector<Grant> grants;
  // Admin: also holds every (permission, view menu) pair that exists in the model ("all possible rights"), except
  // in Superset the per-object data permissions (datasource/schema/catalog/database_access), which Admin does not
  // need because it holds all_datasource_access and all_database_access.
  bool all_pairs = false;
};

// "superset": Admin, Alpha, Gamma, sql_lab, Public. "airflow": Admin, Op, User, Viewer, Public. Empty for others.
const std::vector<Preset>& PresetsFor(std::string_view family);

// Permission names that exist in the family besides the `can_<method>` pattern (which every FAB view method uses).
bool IsKnownPermissionName(std::string_view family, std::string_view permission);

// Superset's per-object data permissions (user-defined, never part of Admin's automatic set).
bool IsDataObjectPermission(std::string_view permission);

// The rows of STANDARD_ROLES.md: which of Admin, Alpha, Gamma, sql_lab hold each pair. Exposed for the tests.
enum StandardRoleColumn : unsigned { kAdmin = 1, kAlpha = 2, kGamma = 4, kSqlLab = 8 };
struct StandardRoleRow {
  std::string_view permission;
  std::string_view view_menu;
  unsigned roles;  // StandardRoleColumn bits
};
std::span<const StandardRoleRow> SupersetStandardRoleRows();

// The built-in Public role's final permissions (superset-public-role-pr.txt), and the annotation permissions that
// discussion grants to Public on purpose although Gamma lacks them.
std::span<const Grant> SupersetPublicGrants();
std::span<const Grant> SupersetPublicAnnotationGrants();

}  // namespace rlsq::access
