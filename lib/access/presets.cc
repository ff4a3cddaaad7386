#include "lib/access/presets.h"

#include <array>
#include <map>
#include <set>

namespace rlsq::access {
namespace {

// STANDARD_ROLES.md, row by row ("can read on SavedQuery" is the pair (can_read, SavedQuery); the markdown turned
// the underscores of all_datasource_access and friends into '*', restored here).
constexpr StandardRoleRow kStandardRows[] = {
    {"can_read", "SavedQuery", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_write", "SavedQuery", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_read", "CssTemplate", kAdmin|kAlpha|kGamma},
    {"can_write", "CssTemplate", kAdmin|kAlpha|kGamma},
    {"can_read", "ReportSchedule", kAdmin|kAlpha|kGamma},
    {"can_write", "ReportSchedule", kAdmin|kAlpha|kGamma},
    {"can_read", "Chart", kAdmin|kAlpha|kGamma},
    {"can_write", "Chart", kAdmin|kAlpha|kGamma},
    {"can_read", "Annotation", kAdmin|kAlpha|kGamma},
    {"can_write", "Annotation", kAdmin|kAlpha|kGamma},
    {"can_read", "Dataset", kAdmin|kAlpha|kGamma},
    {"can_write", "Dataset", kAdmin|kAlpha},
    {"can_read", "Log", kAdmin},
    {"can_write", "Log", kAdmin},
    {"can_read", "Dashboard", kAdmin|kAlpha|kGamma},
    {"can_write", "Dashboard", kAdmin|kAlpha|kGamma},
    {"can_read", "Database", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_write", "Database", kAdmin},
    {"can_read", "Query", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_this_form_get", "ResetPasswordView", kAdmin},
    {"can_this_form_post", "ResetPasswordView", kAdmin},
    {"can_this_form_get", "ResetMyPasswordView", kAdmin|kAlpha|kGamma},
    {"can_this_form_post", "ResetMyPasswordView", kAdmin|kAlpha|kGamma},
    {"can_this_form_get", "UserInfoEditView", kAdmin},
    {"can_this_form_post", "UserInfoEditView", kAdmin},
    {"can_show", "UserDBModelView", kAdmin},
    {"can_edit", "UserDBModelView", kAdmin},
    {"can_delete", "UserDBModelView", kAdmin},
    {"can_add", "UserDBModelView", kAdmin},
    {"can_list", "UserDBModelView", kAdmin},
    {"can_userinfo", "UserDBModelView", kAdmin|kAlpha|kGamma},
    {"resetmypassword", "UserDBModelView", kAdmin|kAlpha|kGamma},
    {"resetpasswords", "UserDBModelView", kAdmin},
    {"userinfoedit", "UserDBModelView", kAdmin},
    {"can_show", "RoleModelView", kAdmin},
    {"can_edit", "RoleModelView", kAdmin},
    {"can_delete", "RoleModelView", kAdmin},
    {"can_add", "RoleModelView", kAdmin},
    {"can_list", "RoleModelView", kAdmin},
    {"copyrole", "RoleModelView", kAdmin},
    {"can_get", "OpenApi", kAdmin|kAlpha|kGamma},
    {"can_show", "SwaggerView", kAdmin|kAlpha|kGamma},
    {"can_get", "MenuApi", kAdmin|kAlpha|kGamma},
    {"can_list", "AsyncEventsRestApi", kAdmin|kAlpha|kGamma},
    {"can_invalidate", "CacheRestApi", kAdmin|kAlpha|kGamma},
    {"can_csv_upload", "Database", kAdmin},
    {"can_excel_upload", "Database", kAdmin},
    {"can_query_form_data", "Api", kAdmin|kAlpha|kGamma},
    {"can_query", "Api", kAdmin|kAlpha|kGamma},
    {"can_time_range", "Api", kAdmin|kAlpha|kGamma},
    {"can_external_metadata", "Datasource", kAdmin|kAlpha|kGamma},
    {"can_save", "Datasource", kAdmin|kAlpha},
    {"can_get", "Datasource", kAdmin|kAlpha|kGamma},
    {"can_my_queries", "SqlLab", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_log", "Superset", kAdmin|kAlpha|kGamma},
    {"can_import_dashboards", "Superset", kAdmin|kAlpha|kGamma},
    {"can_schemas", "Superset", kAdmin|kAlpha|kGamma},
    {"can_sqllab_history", "Superset", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_publish", "Superset", kAdmin|kAlpha|kGamma},
    {"can_csv", "Superset", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_slice", "Superset", kAdmin|kAlpha|kGamma},
    {"can_sync_druid_source", "Superset", kAdmin},
    {"can_explore", "Superset", kAdmin|kAlpha|kGamma},
    {"can_approve", "Superset", kAdmin},
    {"can_explore_json", "Superset", kAdmin|kAlpha|kGamma},
    {"can_fetch_datasource_metadata", "Superset", kAdmin|kAlpha|kGamma},
    {"can_csrf_token", "Superset", kAdmin|kAlpha|kGamma},
    {"can_sqllab", "Superset", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_select_star", "Superset", kAdmin|kAlpha|kGamma},
    {"can_warm_up_cache", "Superset", kAdmin|kAlpha|kGamma},
    {"can_sqllab_table_viz", "Superset", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_available_domains", "Superset", kAdmin|kAlpha|kGamma},
    {"can_request_access", "Superset", kAdmin|kAlpha|kGamma},
    {"can_dashboard", "Superset", kAdmin|kAlpha|kGamma},
    {"can_post", "TableSchemaView", kAdmin|kAlpha},
    {"can_expanded", "TableSchemaView", kAdmin|kAlpha},
    {"can_delete", "TableSchemaView", kAdmin|kAlpha},
    {"can_get", "TabStateView", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_post", "TabStateView", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_delete_query", "TabStateView", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_migrate_query", "TabStateView", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_activate", "TabStateView", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_delete", "TabStateView", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_put", "TabStateView", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_read", "SecurityRestApi", kAdmin|kAlpha|kGamma|kSqlLab},
    {"menu_access", "Security", kAdmin},
    {"menu_access", "List Users", kAdmin|kAlpha|kGamma},
    {"menu_access", "List Roles", kAdmin|kAlpha|kGamma},
    {"menu_access", "Action Log", kAdmin|kAlpha|kGamma},
    {"menu_access", "Manage", kAdmin|kAlpha},
    {"menu_access", "Annotation Layers", kAdmin|kAlpha|kGamma},
    {"menu_access", "CSS Templates", kAdmin|kAlpha},
    {"menu_access", "Import Dashboards", kAdmin|kAlpha|kGamma},
    {"menu_access", "Data", kAdmin|kAlpha|kGamma},
    {"menu_access", "Databases", kAdmin|kAlpha|kGamma},
    {"menu_access", "Datasets", kAdmin|kAlpha|kGamma},
    {"menu_access", "Charts", kAdmin|kAlpha|kGamma},
    {"menu_access", "Dashboards", kAdmin|kAlpha|kGamma},
    {"menu_access", "SQL Lab", kAdmin|kSqlLab},
    {"menu_access", "SQL Editor", kAdmin|kAlpha|kGamma|kSqlLab},
    {"menu_access", "Saved Queries", kAdmin|kAlpha|kGamma|kSqlLab},
    {"menu_access", "Query Search", kAdmin|kAlpha|kGamma|kSqlLab},
    {"all_datasource_access", "all_datasource_access", kAdmin|kAlpha},
    {"all_database_access", "all_database_access", kAdmin|kAlpha},
    {"all_query_access", "all_query_access", kAdmin},
    {"can_write", "DynamicPlugin", kAdmin},
    {"can_edit", "DynamicPlugin", kAdmin},
    {"can_list", "DynamicPlugin", kAdmin|kAlpha|kGamma},
    {"can_show", "DynamicPlugin", kAdmin|kAlpha|kGamma},
    {"can_download", "DynamicPlugin", kAdmin},
    {"can_add", "DynamicPlugin", kAdmin},
    {"can_delete", "DynamicPlugin", kAdmin},
    {"can_external_metadata_by_name", "Datasource", kAdmin|kAlpha|kGamma},
    {"can_get_value", "KV", kAdmin|kAlpha|kGamma},
    {"can_store", "KV", kAdmin|kAlpha|kGamma},
    {"can_tagged_objects", "TagView", kAdmin|kAlpha|kGamma},
    {"can_suggestions", "TagView", kAdmin|kAlpha|kGamma},
    {"can_get", "TagView", kAdmin|kAlpha|kGamma},
    {"can_post", "TagView", kAdmin|kAlpha|kGamma},
    {"can_delete", "TagView", kAdmin|kAlpha|kGamma},
    {"can_edit", "DashboardEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_list", "DashboardEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_show", "DashboardEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_add", "DashboardEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_delete", "DashboardEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"muldelete", "DashboardEmailScheduleView", kAdmin|kAlpha},
    {"can_edit", "SliceEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_list", "SliceEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_show", "SliceEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_add", "SliceEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"can_delete", "SliceEmailScheduleView", kAdmin|kAlpha|kGamma},
    {"muldelete", "SliceEmailScheduleView", kAdmin|kAlpha},
    {"can_edit", "AlertModelView", kAdmin|kAlpha|kGamma},
    {"can_list", "AlertModelView", kAdmin|kAlpha|kGamma},
    {"can_show", "AlertModelView", kAdmin|kAlpha|kGamma},
    {"can_add", "AlertModelView", kAdmin|kAlpha|kGamma},
    {"can_delete", "AlertModelView", kAdmin|kAlpha|kGamma},
    {"can_list", "AlertLogModelView", kAdmin|kAlpha|kGamma},
    {"can_show", "AlertLogModelView", kAdmin|kAlpha|kGamma},
    {"can_list", "AlertObservationModelView", kAdmin|kAlpha|kGamma},
    {"can_show", "AlertObservationModelView", kAdmin|kAlpha|kGamma},
    {"menu_access", "Row Level Security", kAdmin},
    {"menu_access", "Access requests", kAdmin|kAlpha|kGamma},
    {"menu_access", "Home", kAdmin|kAlpha|kGamma},
    {"menu_access", "Plugins", kAdmin|kAlpha|kGamma},
    {"menu_access", "Dashboard Email Schedules", kAdmin|kAlpha|kGamma},
    {"menu_access", "Chart Emails", kAdmin|kAlpha|kGamma},
    {"menu_access", "Alerts", kAdmin|kAlpha|kGamma},
    {"menu_access", "Alerts & Report", kAdmin|kAlpha|kGamma},
    {"menu_access", "Scan New Datasources", kAdmin|kAlpha|kGamma},
    {"can_share_dashboard", "Superset", kAdmin|kAlpha|kGamma},
    {"can_share_chart", "Superset", kAdmin|kAlpha|kGamma},
    {"can_this_form_get", "ColumnarToDatabaseView", kAdmin|kAlpha|kGamma},
    {"can_this_form_post", "ColumnarToDatabaseView", kAdmin|kAlpha|kGamma},
    {"can_export", "Chart", kAdmin|kAlpha|kGamma},
    {"can_write", "DashboardFilterStateRestApi", kAdmin|kAlpha|kGamma},
    {"can_read", "DashboardFilterStateRestApi", kAdmin|kAlpha|kGamma},
    {"can_write", "DashboardPermalinkRestApi", kAdmin|kAlpha|kGamma},
    {"can_read", "DashboardPermalinkRestApi", kAdmin|kAlpha|kGamma},
    {"can_delete_embedded", "Dashboard", kAdmin|kAlpha|kGamma},
    {"can_set_embedded", "Dashboard", kAdmin},
    {"can_export", "Dashboard", kAdmin|kAlpha|kGamma},
    {"can_get_embedded", "Dashboard", kAdmin|kAlpha|kGamma},
    {"can_export", "Database", kAdmin},
    {"can_export", "Dataset", kAdmin|kAlpha},
    {"can_write", "ExploreFormDataRestApi", kAdmin|kAlpha|kGamma},
    {"can_read", "ExploreFormDataRestApi", kAdmin|kAlpha|kGamma},
    {"can_write", "ExplorePermalinkRestApi", kAdmin|kAlpha|kGamma},
    {"can_read", "ExplorePermalinkRestApi", kAdmin|kAlpha|kGamma},
    {"can_export", "ImportExportRestApi", kAdmin|kAlpha|kGamma},
    {"can_import", "ImportExportRestApi", kAdmin|kAlpha|kGamma},
    {"can_export", "SavedQuery", kAdmin|kAlpha|kGamma|kSqlLab},
    {"can_dashboard_permalink", "Superset", kAdmin|kAlpha|kGamma},
    {"can_grant_guest_token", "SecurityRestApi", kAdmin},
    {"can_read", "AdvancedDataType", kAdmin|kAlpha|kGamma},
    {"can_read", "EmbeddedDashboard", kAdmin|kAlpha|kGamma},
    {"can_duplicate", "Dataset", kAdmin|kAlpha},
    {"can_read", "Explore", kAdmin|kAlpha|kGamma},
    {"can_samples", "Datasource", kAdmin|kAlpha},
    {"can_read", "AvailableDomains", kAdmin|kAlpha|kGamma},
    {"can_get_or_create_dataset", "Dataset", kAdmin|kAlpha},
    {"can_get_column_values", "Datasource", kAdmin|kAlpha},
    {"can_export_csv", "SQLLab", kAdmin|kSqlLab},
    {"can_get_results", "SQLLab", kAdmin|kSqlLab},
    {"can_execute_sql_query", "SQLLab", kAdmin|kSqlLab},
    {"can_recent_activity", "Log", kAdmin|kAlpha|kGamma},
};

// superset-public-role-pr.txt: PUBLIC_ROLE_PERMISSIONS after review. The first list minus the four grants removed to
// keep Public a subset of Gamma (can_external_metadata_by_name on Datasource, can_read on SecurityRestApi, can_get on
// OpenApi, can_get on MenuApi), plus the annotation and chart permalink grants added after the second review.
constexpr Grant kPublicGrants[] = {
    {"can_read", "Dashboard"},
    {"can_read", "Chart"},
    {"can_dashboard", "Superset"},
    {"can_slice", "Superset"},
    {"can_explore_json", "Superset"},
    {"can_dashboard_permalink", "Superset"},
    {"can_read", "DashboardPermalinkRestApi"},
    {"can_read", "DashboardFilterStateRestApi"},
    {"can_write", "DashboardFilterStateRestApi"},
    {"can_time_range", "Api"},
    {"can_query_form_data", "Api"},
    {"can_query", "Api"},
    {"can_read", "CssTemplate"},
    {"can_read", "EmbeddedDashboard"},
    {"can_get", "Datasource"},
    {"can_external_metadata", "Datasource"},
    {"can_read", "Annotation"},
    {"can_read", "AnnotationLayerRestApi"},
    {"can_read", "ExplorePermalinkRestApi"},
};

// "Annotation permissions (can_read on Annotation and AnnotationLayerRestApi) are intentionally granted to Public even
// though Gamma doesn't have them."
constexpr Grant kPublicAnnotationGrants[] = {
    {"can_read", "Annotation"},
    {"can_read", "AnnotationLayerRestApi"},
};

// Airflow's security.py (the role definitions airflow-access-control.rst includes): each role holds every permission
// of its list on every view menu of its list.
constexpr std::string_view kViewerPerms[] = {
    "menu_access", "can_index", "can_list", "can_show", "can_chart", "can_dag_stats", "can_dag_details",
    "can_task_stats", "can_code", "can_log", "can_get_logs_with_metadata", "can_tries", "can_graph", "can_tree",
    "can_task", "can_task_instances", "can_xcom", "can_gantt", "can_landing_times", "can_duration", "can_blocked",
    "can_rendered", "can_version"};
constexpr std::string_view kViewerVms[] = {
    "Airflow", "DagModelView", "Browse", "DAG Runs", "DagRunModelView", "Task Instances", "TaskInstanceModelView",
    "SLA Misses", "SlaMissModelView", "Jobs", "JobModelView", "Logs", "LogModelView", "Docs", "Documentation",
    "Github", "About", "Version", "VersionView"};
constexpr std::string_view kUserPerms[] = {
    "can_dagrun_clear", "can_run", "can_trigger", "can_add", "can_edit", "can_delete", "can_paused", "can_refresh",
    "can_success", "muldelete", "set_failed", "set_running", "set_success", "clear", "can_clear"};
constexpr std::string_view kOpPerms[] = {"can_conf", "can_varimport"};
constexpr std::string_view kOpVms[] = {
    "Admin", "Configurations", "ConfigurationView", "Connections", "ConnectionModelView", "Pools", "PoolModelView",
    "Variables", "VariableModelView", "XComs", "XComModelView"};
// Security views only Admin manages (granting or revoking permissions).
constexpr std::string_view kAdminPerms[] = {"can_add", "can_edit", "can_delete", "can_list", "can_show",
                                            "menu_access", "copyrole", "resetpasswords", "userinfoedit"};
constexpr std::string_view kAdminVms[] = {"Security", "List Users", "List Roles", "UserDBModelView",
                                          "RoleModelView", "PermissionModelView", "ViewMenuModelView",
                                          "PermissionViewModelView"};

void Cross(std::span<const std::string_view> perms, std::span<const std::string_view> vms, std::vector<Grant>* out) {
  for (auto p : perms)
    for (auto v : vms) out->push_back({p, v});
}

// DAG-level access: each DAG is a view menu; `all_dags` (Airflow 1.10, can_dag_read/can_dag_edit) and `DAGs`
// (Airflow 2, can_read/can_edit/can_delete) are the all-DAGs wildcards. Viewer reads all DAGs, User and Op edit them.
void DagReadAll(std::vector<Grant>* out) {
  out->push_back({"can_dag_read", "all_dags"});
  out->push_back({"can_read", "DAGs"});
}
void DagEditAll(std::vector<Grant>* out) {
  out->push_back({"can_dag_edit", "all_dags"});
  out->push_back({"can_edit", "DAGs"});
  out->push_back({"can_delete", "DAGs"});
}

std::vector<Preset> MakeSuperset() {
  std::vector<Preset> out;
  const std::pair<std::string_view, unsigned> columns[] = {
      {"Admin", kAdmin}, {"Alpha", kAlpha}, {"Gamma", kGamma}, {"sql_lab", kSqlLab}};
  for (auto [name, bit] : columns) {
    Preset p{name, {}, name == "Admin"};
    for (const auto& row : kStandardRows)
      if (row.roles & bit) p.grants.push_back({row.permission, row.view_menu});
    out.push_back(std::move(p));
  }
  out.push_back(Preset{"Public", {std::begin(kPublicGrants), std::end(kPublicGrants)}, false});
  return out;
}

std::vector<Preset> MakeAirflow() {
  Preset viewer{"Viewer", {}, false};
  Cross(kViewerPerms, kViewerVms, &viewer.grants);
  DagReadAll(&viewer.grants);
  Preset user{"User", viewer.grants, false};
  Cross(kUserPerms, kViewerVms, &user.grants);
  DagEditAll(&user.grants);
  Preset op{"Op", user.grants, false};
  Cross(kViewerPerms, kOpVms, &op.grants);
  Cross(kUserPerms, kOpVms, &op.grants);
  Cross(kOpPerms, kViewerVms, &op.grants);
  Cross(kOpPerms, kOpVms, &op.grants);
  Preset admin{"Admin", op.grants, true};
  Cross(kAdminPerms, kAdminVms, &admin.grants);
  Preset pub{"Public", {}, false};  // "Public users (anonymous) don't have any permissions."
  return {std::move(admin), std::move(op), std::move(user), std::move(viewer), std::move(pub)};
}

constexpr std::string_view kDataPermissions[] = {"datasource_access", "schema_access", "catalog_access",
                                                 "database_access"};
constexpr std::string_view kCommonPermissions[] = {
    "all_datasource_access", "all_database_access", "all_query_access", "menu_access", "muldelete",
    "can_dag_read", "can_dag_edit", "copyrole", "resetmypassword", "resetpasswords", "userinfoedit",
    "set_failed", "set_running", "set_success", "clear"};

}  // namespace

const std::vector<Preset>& PresetsFor(std::string_view family) {
  static const std::vector<Preset> superset = MakeSuperset();
  static const std::vector<Preset> airflow = MakeAirflow();
  static const std::vector<Preset> none;
  if (family == "superset") return superset;
  if (family == "airflow") return airflow;
  return none;
}

bool IsDataObjectPermission(std::string_view permission) {
  for (auto p : kDataPermissions)
    if (p == permission) return true;
  return false;
}

bool IsKnownPermissionName(std::string_view family, std::string_view permission) {
  // The names of the family's presets, the data permissions and the common FAB ones, collected once.
  static const auto* const kKnown = [] {
    auto* known = new std::map<std::string_view, std::set<std::string_view>>();
    for (std::string_view f : {"superset", "airflow"}) {
      std::set<std::string_view>& names = (*known)[f];
      names.insert(std::begin(kDataPermissions), std::end(kDataPermissions));
      names.insert(std::begin(kCommonPermissions), std::end(kCommonPermissions));
      for (const Preset& preset : PresetsFor(f))
        for (const Grant& g : preset.grants) names.insert(g.first);
    }
    return known;
  }();
  auto it = kKnown->find(family);
  if (it != kKnown->end() && it->second.contains(permission)) return true;
  // FAB names a view method's permission "can_" + the method name.
  if (permission.size() > 4 && permission.substr(0, 4) == "can_") {
    for (char c : permission.substr(4))
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
  }
  return IsDataObjectPermission(permission);
}

std::span<const StandardRoleRow> SupersetStandardRoleRows() { return kStandardRows; }
std::span<const Grant> SupersetPublicGrants() { return kPublicGrants; }
std::span<const Grant> SupersetPublicAnnotationGrants() { return kPublicAnnotationGrants; }

}  // namespace rlsq::access
