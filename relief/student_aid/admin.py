from django.contrib import admin

from relief.student_aid.models import Award, Student, SupportRate


@admin.register(SupportRate)
class SupportRateAdmin(admin.ModelAdmin):
    list_display = ["level", "living", "travel"]


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ["member", "school", "level", "admission_year", "studies_away"]
    raw_id_fields = ["member"]


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ["member", "school_year", "school", "level", "living", "travel", "is_void"]
    list_filter = ["school_year", "level", "is_void"]
    raw_id_fields = ["application", "member", "created_by"]
