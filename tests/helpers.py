"""Helpers for tests that drive admin forms the way a browser does."""


def admin_form_data(response, *, extra_forms: int = 0) -> dict:
    """The admin change form of ``response`` as the browser would submit it, untouched.

    ``extra_forms`` keeps that many blank extra rows of each inline, for tests that fill one in.
    """
    form = response.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for name, field in form.fields.items():
        if hasattr(field, "queryset") and isinstance(data.get(name), list):
            data[name] = [getattr(value, "pk", value) for value in data[name]]
    if "actors" in form.fields:
        data["actors"] = [a.pk for a in form.instance.actors.all()]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {f"{management.prefix}-{k}": v for k, v in management.initial.items()}
        extra = formset.extra_forms[:extra_forms]
        data[f"{management.prefix}-TOTAL_FORMS"] = management.initial["INITIAL_FORMS"] + len(extra)
        # Blank rows post their initial values, as a browser does; unchanged, they are ignored.
        for subform in [*formset.initial_forms, *extra]:
            for name in subform.fields:
                value = subform[name].value()
                if value is not None:
                    data[subform.add_prefix(name)] = getattr(value, "pk", value)
    return data
