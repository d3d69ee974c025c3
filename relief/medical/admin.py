from django.contrib import admin

from relief.medical.models import Band, Claim, Cover, DiseaseGroup


@admin.register(DiseaseGroup)
class DiseaseGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "yearly_cap", "requires", "order"]


@admin.register(Band)
class BandAdmin(admin.ModelAdmin):
    list_display = ["lower", "upper", "share_bp"]


@admin.register(Cover)
class CoverAdmin(admin.ModelAdmin):
    list_display = ["member", "basic", "serious_illness", "mutual_aid_from", "mutual_aid_until", "seriously_ill"]
    raw_id_fields = ["member", "updated_by"]


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ["member", "disease_group", "year", "bill_total", "self_paid", "relief", "is_void"]
    raw_id_fields = ["application", "member"]
