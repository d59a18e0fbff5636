from rest_framework import serializers

from stanchion.core.api import StanchionSerializer

from ..models import ApiToken, Department, Location, Person, Team, TeamMembership, User


class LocationSerializer(StanchionSerializer):
    class Meta:
        model = Location
        fields = ["id", "name", "time_zone", "country", "subdivision", "version"]


class DepartmentSerializer(StanchionSerializer):
    class Meta:
        model = Department
        fields = ["id", "name", "version"]


class PersonSerializer(StanchionSerializer):
    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "email",
            "employee_id",
            "title",
            "department",
            "location",
            "manager",
            "employment_status",
            "created_at",
            "updated_at",
            "version",
        ]


class UserSerializer(StanchionSerializer):
    password = serializers.CharField(
        write_only=True, required=False, max_length=128, style={"input_type": "password"}
    )

    class Meta:
        model = User
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "person",
            "is_active",
            "last_login",
            "password",
            "version",
        ]
        read_only_fields = ["last_login"]


class TeamMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name"]


class TeamSerializer(StanchionSerializer):
    members = TeamMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Team
        fields = [
            "id",
            "name",
            "description",
            "email",
            "tier",
            "manager",
            "is_active",
            "members",
            "created_at",
            "updated_at",
            "version",
        ]


class TeamMembershipSerializer(StanchionSerializer):
    class Meta:
        model = TeamMembership
        fields = ["id", "team", "user", "created_at", "version"]
        validators = []  # uniqueness is checked by the service, with a clearer message


class ApiTokenSerializer(StanchionSerializer):
    class Meta:
        model = ApiToken
        fields = [
            "id",
            "user",
            "name",
            "key_prefix",
            "scope",
            "expires_at",
            "last_used_at",
            "revoked_at",
            "status",
            "created_at",
            "version",
        ]
        read_only_fields = ["user", "status"]


class ApiTokenCreatedSerializer(ApiTokenSerializer):
    key = serializers.CharField(read_only=True, help_text="Shown once; store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "key"]
