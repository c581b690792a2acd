"""API of the organisation: the units the caller may see."""

from __future__ import annotations

from rest_framework import serializers, viewsets

from lakthan.core import roles
from lakthan.core.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name_th", "name_en", "abbreviation_th", "kind", "parent"]


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = UnitSerializer
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return (
            Unit.objects.filter(roles.unit_filter(self.request.user, "pk"))
            .select_related("parent")
            .order_by("code")
        )


ROUTES = [("units", UnitViewSet, "unit")]
