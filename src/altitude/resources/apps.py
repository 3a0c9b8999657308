from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "altitude.resources"
    label = "resources"
    verbose_name = "Resources"

    def ready(self) -> None:
        from altitude.core.policy import Action, Resource, register_routes

        register_routes({
            "api:list_my_time_entries": (Resource.TIME_ENTRY, Action.VIEW),
            "api:get_time_entry": (Resource.TIME_ENTRY, Action.VIEW),
            "api:create_time_entry": (Resource.TIME_ENTRY, Action.CREATE),
            "api:update_time_entry": (Resource.TIME_ENTRY, Action.CHANGE),
            "api:delete_time_entry": (Resource.TIME_ENTRY, Action.DELETE),
        })
