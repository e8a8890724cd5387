from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from tcvn_portal.tenancy.models import Organization

from .. import selectors, services
from ..models import Batch, Product, ProductionStage


def _as_drf(error: DjangoValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class ProductSerializer(serializers.ModelSerializer):
    owner_name = serializers.CharField(source="owner.name", read_only=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "gtin",
            "brand",
            "shelf_life",
            "standards",
            "description",
            "owner",
            "owner_name",
            "created_at",
        ]
        read_only_fields = ["owner", "created_at"]

    def save(self, **kwargs):
        membership = self.context["request"]._request.membership
        # Loaded again under the tenant: the membership's organisation was joined before RLS showed it.
        instance = self.instance or Product(
            owner=Organization.objects.filter(pk=membership.organization_id).first()
        )
        for key, value in {**self.validated_data, **kwargs}.items():
            setattr(instance, key, value)
        try:
            self.instance = services.save_product(product=instance, actor=self.context["request"].user)
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        return self.instance


class StageSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductionStage
        fields = ["id", "name", "bizstep", "place", "started_at", "ended_at"]


class BatchSerializer(serializers.ModelSerializer):
    """A batch with its production stages; stages sent with a new batch are created with it."""

    stages = StageSerializer(many=True, required=False)
    recalled = serializers.SerializerMethodField()

    class Meta:
        model = Batch
        fields = [
            "id",
            "product",
            "lot",
            "production_date",
            "expiry_date",
            "origin",
            "quantity",
            "stages",
            "recalled",
        ]

    def get_recalled(self, batch) -> bool:
        return batch.recalled_at is not None

    def get_fields(self):
        fields = super().get_fields()
        membership = getattr(getattr(self.context.get("request"), "_request", None), "membership", None)
        if membership is not None and "product" in fields:
            fields["product"].queryset = selectors.products_visible_to(membership)
        return fields

    def create(self, validated_data):
        stages = validated_data.pop("stages", [])
        actor = self.context["request"].user
        try:
            batch = services.save_batch(batch=Batch(**validated_data), actor=actor)
            for stage in stages:
                services.add_stage(batch=batch, actor=actor, **stage)
        except DjangoValidationError as error:
            raise _as_drf(error) from error
        return batch

    def update(self, instance, validated_data):
        validated_data.pop("stages", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        try:
            return services.save_batch(batch=instance, actor=self.context["request"].user)
        except DjangoValidationError as error:
            raise _as_drf(error) from error
