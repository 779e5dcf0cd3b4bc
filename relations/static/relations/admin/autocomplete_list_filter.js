// Choosing a row in an autocomplete list filter reloads the changelist filtered by it.
"use strict";
{
    const $ = django.jQuery;
    $(document).on("change", "select.autocomplete-list-filter", function () {
        const base = this.dataset.filterUrl || "?";
        const separator = base.length > 1 ? "&" : "";
        window.location.search = this.value
            ? base + separator + encodeURIComponent(this.name) + "=" + encodeURIComponent(this.value)
            : base;
    });
}
