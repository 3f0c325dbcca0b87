"""The push body's shape, for the OpenAPI description and a first check of types at the edge.

Only shape is checked here (strings, a boolean, known field names, batch size): whether a record may be
loaded is decided by the same row validation as a file's (feeds/validation.py), with the same reasons.
"""

from rest_framework import serializers

from mast.api.push import MAX_BATCH
from mast.canonical import FIELDS

TEXT_HELP = {
    "record_id": "Your id for this involvement (incident, referral, episode, visit). Required.",
    "person_ref": "Your own id for the person. Required.",
    "given_name": "Required.",
    "family_name": "Required.",
    "date_of_birth": "YYYY-MM-DD. A partial or impossible date is kept as given and flagged.",
    "sex": "female, male, other or unknown.",
    "nhs_number": "Ten digits; one failing the check digit is kept, flagged and not used for matching.",
    "involvement_type": "Your own label, as in your file's code list, or a shared category code. Required.",
    "start_date": "YYYY-MM-DD. Required.",
    "end_date": "YYYY-MM-DD.",
    "status": "open or closed.",
}


class RecordSerializer(serializers.Serializer):
    """One involvement in the canonical headline format (docs/feed-format.md)."""

    def get_fields(self):
        fields = {}
        for spec in FIELDS:
            if spec.kind == "bool":
                fields[spec.name] = serializers.BooleanField(
                    required=False, allow_null=True, help_text="True hides the details from other agencies."
                )
            else:
                fields[spec.name] = serializers.CharField(
                    required=False,
                    allow_blank=True,
                    allow_null=True,
                    trim_whitespace=False,
                    help_text=TEXT_HELP.get(spec.name, ""),
                )
        return fields

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - {spec.name for spec in FIELDS})
            if unknown:
                raise serializers.ValidationError(
                    {name: ["Not a field of the canonical record."] for name in unknown[:20]}
                )
        return super().to_internal_value(data)


class PushSerializer(serializers.Serializer):
    records = serializers.ListField(child=RecordSerializer(), min_length=1, max_length=MAX_BATCH)


class RejectedSerializer(serializers.Serializer):
    record = serializers.IntegerField(help_text="Its position in the batch, from 1.")
    record_id = serializers.CharField(allow_blank=True)
    field = serializers.CharField(allow_blank=True)
    reason = serializers.CharField()


class FlaggedSerializer(serializers.Serializer):
    record = serializers.IntegerField(help_text="Its position in the batch, from 1.")
    record_id = serializers.CharField()
    problems = serializers.ListField(child=serializers.CharField())


class PushResultSerializer(serializers.Serializer):
    load = serializers.IntegerField(help_text="The load that holds this push, as the feed owner sees it.")
    status = serializers.CharField(help_text="loaded, unchanged (the same as the last push), or refused.")
    records_received = serializers.IntegerField()
    records_loaded = serializers.IntegerField()
    records_flagged = serializers.IntegerField()
    records_rejected = serializers.IntegerField()
    message = serializers.CharField(allow_blank=True)
    rejected = RejectedSerializer(many=True)
    flagged = FlaggedSerializer(many=True)


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField()
    title = serializers.CharField()
    status = serializers.IntegerField()
    detail = serializers.CharField(allow_blank=True)
    errors = serializers.ListField(child=serializers.DictField(), required=False)
