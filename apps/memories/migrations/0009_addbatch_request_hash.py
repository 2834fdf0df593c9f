from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("memories", "0008_tenant_postings_index")]

    operations = [
        migrations.AddField(
            model_name="addbatch",
            name="request_hash",
            field=models.CharField(blank=True, default="", max_length=64),
        ),
    ]
