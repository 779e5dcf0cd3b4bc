"""Admin building blocks whose cost follows the page shown, not the size of the archive."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import get_model_from_relation
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext_lazy as _


class ListColumnsMixin:
    """Columns that cost a query of their own (counts) are computed for the changelist only:
    the change form, the autocomplete and the actions' confirmation pages show none of them."""

    def list_annotations(self, queryset: models.QuerySet) -> models.QuerySet:
        return queryset

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = getattr(request, "resolver_match", None)
        opts = self.model._meta
        if match is not None and match.url_name == f"{opts.app_label}_{opts.model_name}_changelist":
            queryset = self.list_annotations(queryset)
        return queryset


class ReadOnlyInline(admin.TabularInline):
    """Rows shown on their parent's page for the record: an audit trail, or links owned by another
    object. Nothing is added, changed or deleted from here; a subclass may open adding alone."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PreloadedAutocompleteSelect(AutocompleteSelect):
    """The admin's autocomplete, naming its chosen row from the object the form already holds
    (``preloaded``) instead of one query per widget: an inline of a hundred rows renders
    with the inline's own query."""

    preloaded: models.Model | None = None

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        known = self.preloaded
        to_field = getattr(self.field.remote_field, "field_name", None)
        if known is None or selected != {str(known.pk)} or to_field not in (None, known._meta.pk.name):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        label = self.choices.field.label_from_instance(known)
        options.append(self.create_option(name, known.pk, label, True, len(options)))
        return [(None, options, 0)]


class PreloadedAutocompleteInlineMixin:
    """For inlines: each row's autocompletes show the row's own related objects, which
    ``get_queryset`` loads with ``select_related``."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name in self.get_autocomplete_fields(request) and isinstance(db_field, models.ForeignKey):
            inner = getattr(formfield.widget, "widget", formfield.widget)
            if type(inner) is AutocompleteSelect:
                preloaded = PreloadedAutocompleteSelect(inner.field, inner.admin_site, inner.attrs, using=inner.db)
                preloaded.choices = inner.choices
                preloaded.is_required = inner.is_required
                if inner is formfield.widget:
                    formfield.widget = preloaded
                else:
                    formfield.widget.widget, formfield.widget.attrs = preloaded, preloaded.attrs
        return formfield

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        names = list(self.get_autocomplete_fields(request))

        class Form(formset.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                for name in names:
                    field = self.fields.get(name)
                    if field is None or getattr(self.instance, f"{name}_id", None) is None:
                        continue
                    widget = getattr(field.widget, "widget", field.widget)
                    if isinstance(widget, PreloadedAutocompleteSelect):
                        widget.preloaded = getattr(self.instance, name)

        formset.form = Form
        return formset


class AutocompleteListFilter(admin.ListFilter):
    """Filter by a related row picked with the admin's own autocomplete: the page carries the chosen
    row only, where ``RelatedOnlyFieldListFilter`` lists every row ever linked (tens of thousands of
    actors). Declared with ``AutocompleteListFilter.on("actors")``; it takes the parameter the admin's
    own filter took (``actors__id__exact``), so saved links keep working, and filters through a
    subquery on the link table, so that the changelist needs no DISTINCT. The related model's admin
    must have ``search_fields``."""

    template = "admin/autocomplete_list_filter.html"
    title = ""
    field_name = ""

    @classmethod
    def on(cls, field_name: str) -> type[AutocompleteListFilter]:
        return type(f"AutocompleteListFilter_{field_name}", (cls,), {"field_name": field_name})

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        self.field = model._meta.get_field(self.field_name)
        self.other_model = get_model_from_relation(self.field)
        self.admin_site = model_admin.admin_site
        self.title = self.field.verbose_name
        self.lookup_kwarg = f"{self.field_name}__{self.field.target_field.name}__exact"
        self.query_without = "?"
        value = params.pop(self.lookup_kwarg, None)
        self.value = value[-1] if isinstance(value, list) else value
        if self.value is not None:
            self.used_parameters[self.lookup_kwarg] = self.value

    def has_output(self):
        return True

    def expected_parameters(self):
        return [self.lookup_kwarg]

    def queryset(self, request, queryset):
        if self.value is None:
            return queryset
        try:
            pk = self.other_model._meta.pk.to_python(self.value)
        except ValidationError as error:
            raise IncorrectLookupParameters(error) from error
        if self.field.many_to_many:
            through = self.field.remote_field.through
            links = through.objects.filter(**{self.field.m2m_reverse_field_name(): pk})
            return queryset.filter(pk__in=links.values(self.field.m2m_field_name()))
        return queryset.filter(**{self.field_name: pk})

    def choices(self, changelist):
        self.query_without = changelist.get_query_string(remove=[self.lookup_kwarg])
        yield {"selected": self.value is None, "query_string": self.query_without, "display": _("All")}

    def widget_html(self) -> str:
        attrs = {"class": "autocomplete-list-filter", "data-filter-url": self.query_without}
        widget = forms.ModelChoiceField(
            queryset=self.other_model._default_manager.all(),
            widget=AutocompleteSelect(self.field, self.admin_site, attrs=attrs),
            required=False,
        ).widget
        value = self.value if self.value is not None and str(self.value).isdigit() else None
        return widget.render(self.lookup_kwarg, value)

    @classmethod
    def media(cls, model, admin_site) -> forms.Media:
        widget = AutocompleteSelect(model._meta.get_field(cls.field_name), admin_site)
        # After jquery.init.js, which defines the django.jQuery the script uses.
        return widget.media + forms.Media(js=["admin/js/jquery.init.js", "relations/admin/autocomplete_list_filter.js"])


class AutocompleteListFilterMediaMixin:
    """Adds the scripts of the autocomplete list filters to the changelist."""

    @property
    def media(self):
        media = super().media
        for spec in self.list_filter:
            if isinstance(spec, type) and issubclass(spec, AutocompleteListFilter):
                media += spec.media(self.model, self.admin_site)
        return media


class IndexedSearchMixin:
    """The admin's search, with each field matched by a condition of its own: a related name is
    looked up in its table first (``pk__in``) instead of joining it into the search, which would
    make every row a candidate and every match a duplicate to weed out. On PostgreSQL each field
    then reads its trigram index (see the ``*_trigram_search`` migrations).

    Terms split as the admin's own search splits them (quotes keep a phrase together); every
    term must match one field. ``search_fields`` stay declared: the search box and the
    autocompletes need them."""

    def search_condition(self, term: str) -> models.Q:
        raise NotImplementedError

    def autocomplete_rank(self, term: str) -> list[models.Q]:
        """Conditions from the best match down (an exact name, then a name beginning with what was
        typed, then an alias...): an autocomplete lists what meets an earlier one first, the rest
        after, each group in the admin's order. Empty: the admin's order alone."""
        return []

    def get_search_results(self, request, queryset, search_term):
        for bit in smart_split(search_term):
            if bit.startswith(('"', "'")) and bit[0] == bit[-1]:
                bit = unescape_string_literal(bit)
            if bit:
                queryset = queryset.filter(self.search_condition(bit))
        term = " ".join(search_term.split()).strip("\"'")
        match = getattr(request, "resolver_match", None)
        # The changelist sorts by its columns after searching; only the autocomplete keeps this order.
        if term and match is not None and match.url_name == "autocomplete":
            queryset = ranked(queryset, self.autocomplete_rank(term), self.get_ordering(request))
        return queryset, False


def ranked(queryset: models.QuerySet, conditions: list[models.Q], ordering) -> models.QuerySet:
    """``queryset`` ordered by the first of ``conditions`` each row meets, then by ``ordering``.
    One CASE in the query itself, so that SQLite and PostgreSQL sort alike and a page of results
    costs one query however many rows match."""
    if not conditions:
        return queryset
    rank = models.Case(
        *(models.When(condition, then=models.Value(place)) for place, condition in enumerate(conditions)),
        default=models.Value(len(conditions)),
        output_field=models.IntegerField(),
    )
    return queryset.alias(search_rank=rank).order_by("search_rank", *ordering, "pk")
