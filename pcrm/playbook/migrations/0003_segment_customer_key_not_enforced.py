# The nightly run writes up to one segment per customer in bulk; the deferred foreign-key
# check on each new row ran at commit and cost more than the rows themselves. Deletes
# still cascade through the ORM (see CustomerSegment).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0002_initial"),
        ("playbook", "0002_daily_snapshots"),
    ]

    operations = [
        migrations.AlterField(
            model_name="customersegment",
            name="customer",
            field=models.OneToOneField(
                db_constraint=False,
                on_delete=django.db.models.deletion.CASCADE,
                primary_key=True,
                related_name="segment",
                serialize=False,
                to="customers.customer",
                verbose_name="客户",
            ),
        ),
    ]
