"""Seed the knowledge pages with the content of the site today: the About page of the templates
``web/about/fr.html`` and ``web/about/en.html`` (the languages it existed in), converted to Markdown
without changing a word, and a first FAQ in French and English. Coordinators edit both from then on.
"""

from django.db import migrations

PAGES = {
    "about": {
        "fr": {
            "title": "La coopération décentralisée",
            "lead": "Quand une commune française et une commune sénégalaise décident d'améliorer ensemble l'accès à l'eau potable, ou qu'un Land allemand et un État brésilien échangent des agents pour moderniser leurs services d'urbanisme, c'est de la coopération décentralisée : une coopération internationale menée par les collectivités territoriales elles-mêmes, et non par les États.",
            "body": "## De quoi s'agit-il ? {#what}\n\nLa coopération décentralisée relie des collectivités locales et régionales de pays différents, avec les acteurs de leurs territoires : associations, universités, écoles, hôpitaux, entreprises, collectifs d'habitants. Elle part des territoires : ceux qui connaissent le mieux un lieu décident de ce qu'on y fait, et chacun apprend de l'autre. L'appui peut être technique (expertise, formation), financier (cofinancement d'un projet) ou humain (échanges d'agents, de volontaires, de jeunes).\n\n## Sur quels thèmes ? {#axes}\n\nLes thèmes sont ceux du service public local. coopdec les regroupe en douze axes, chacun relié aux codes de secteur qu'utilisent les agences de développement :\n\n- gouvernance locale et démocratie participative ;\n- aménagement du territoire et développement urbain ;\n- éducation et formation professionnelle ;\n- santé publique et accès aux soins ;\n- environnement, climat et développement durable ;\n- eau et assainissement ;\n- culture et patrimoine ;\n- développement économique local ;\n- jeunesse, mobilité et échanges ;\n- agriculture et sécurité alimentaire ;\n- égalité femmes-hommes ;\n- urgence et reconstruction.\n\n## Bilatérale ou multilatérale ? {#forms}\n\nUn partenariat **bilatéral** réunit exactement deux parties, le plus souvent deux collectivités liées par un jumelage ou une convention de coopération. Un partenariat **multilatéral** en réunit trois ou plus : plusieurs communes autour d'un même bassin versant, un réseau de villes, ou un programme qui associe aussi des agences nationales, des organisations internationales et des bailleurs. coopdec déduit la forme du nombre de parties : personne n'a à la saisir.\n\n## Quels principes la guident ? {#principles}\n\nUn partenariat d'égal à égal\n:   Les deux parties définissent le projet, y contribuent et en mesurent les résultats sur leur propre territoire. Personne n'est seulement donateur ni seulement bénéficiaire.\n\nLa subsidiarité\n:   Les décisions se prennent au plus près des habitants, par l'autorité qui connaît la situation locale.\n\nLa durabilité\n:   Les projets renforcent des capacités locales durables plutôt que des livraisons ponctuelles ; la relation survit souvent aux projets.\n\nL'équité\n:   Les bénéfices, les coûts et la parole sont partagés équitablement entre partenaires et au sein de chaque territoire.\n\n## Pourquoi des stratégies pluriannuelles ? {#strategies}\n\nLes partenaires inscrivent en général leur action dans une stratégie de trois à cinq ans (par exemple 2025-2028), adoptée par les deux assemblées. Elle fixe les priorités, le budget engagé de part et d'autre et les indicateurs suivis. Les projets s'inscrivent ensuite dans cette stratégie, et une nouvelle est négociée à son terme. coopdec enregistre la période de stratégie de chaque partenariat.\n\n## Qu'apporte coopdec ? {#coopdec}\n\nAujourd'hui, le même projet est ressaisi sans cesse : dans un atlas national, dans la déclaration annuelle d'aide, dans chaque demande de financement. coopdec est un registre unique où chaque territoire saisit sa coopération une fois, la tient à jour et la réutilise : sur l'atlas public, pour trouver des partenaires, et au format international IATI que lisent les bailleurs.\n"
        },
        "en": {
            "title": "About decentralised cooperation",
            "lead": "When a town in France and a town in Senegal decide to work together on their water supply, or a German Land and a Brazilian state exchange staff to improve their planning services, that is decentralised cooperation: international cooperation led by local and regional governments themselves, rather than by national states.",
            "body": "## What is it? {#what}\n\nDecentralised cooperation links local and regional governments of different countries, together with the actors of their territories: associations, universities, schools, hospitals, companies and citizens' groups. It starts from the territories: the people who know a place best decide what to do there, and they learn from each other. Support may be technical (expertise, training), financial (co-funding a project) or human (exchanges of staff, volunteers and young people).\n\n## What do partners work on? {#axes}\n\nThe themes are those of local public service. coopdec groups them into twelve axes, each linked to the sector codes that development agencies use:\n\n- local governance and participatory democracy;\n- territorial planning and urban development;\n- education and vocational training;\n- public health and access to care;\n- environment, climate and sustainable development;\n- water and sanitation;\n- culture and heritage;\n- local economic development;\n- youth, mobility and exchanges;\n- agriculture and food security;\n- gender equality;\n- emergency and reconstruction.\n\n## Bilateral or multilateral? {#forms}\n\nA **bilateral** partnership has exactly two parties, typically two local governments bound by a twinning or a cooperation agreement. A **multilateral** partnership gathers three or more: several towns around a shared river basin, a network of cities, or a programme that also involves national agencies, international organisations and funders. coopdec derives the form from the number of parties, so nobody has to type it.\n\n## What principles guide it? {#principles}\n\nPartnership between equals\n:   Both sides define the project, contribute to it and measure its results in their own territory. Nobody is only a donor or only a beneficiary.\n\nSubsidiarity\n:   Decisions are taken as close to the citizens as possible, by the authority that knows the local situation.\n\nSustainability\n:   Projects build lasting local capacity rather than one-off deliveries; the relation often outlives any single project.\n\nEquity\n:   Benefits, costs and voice are shared fairly between partners and within each territory.\n\n## Why multi-year strategies? {#strategies}\n\nLocal partners usually frame their work in a strategy of three to five years (for example 2025-2028), agreed by both councils. It sets priorities, the budget each side commits and the indicators they will follow. Projects then fit within the strategy, and a new strategy is negotiated when it ends. coopdec records the strategy period of each partnership.\n\n## What does coopdec add? {#coopdec}\n\nToday the same project is typed again and again: in a national atlas, in the annual declaration of aid, in each funding application. coopdec is one register where each territory records its cooperation once, keeps it current, and reuses it: on the public atlas, in partner search, and in the international IATI format that funders read.\n"
        }
    },
    "faq": {
        "fr": {
            "title": "Questions fréquentes",
            "lead": "Les réponses courtes aux questions que posent le plus souvent les services des relations internationales, les associations et les visiteurs de coopdec.",
            "body": "## Qui peut voir ce que j'enregistre ? {#visibility}\n\nUne fiche (organisation, partenariat, projet, bonne pratique) reste un **brouillon** tant qu'elle n'est pas publiée : seuls les membres de l'organisation et les coordinateurs la voient. Une fois publiée, elle apparaît dans l'atlas public, dans l'API et dans les téléchargements. Les contacts (noms, fonctions) ne sont montrés qu'aux personnes connectées, et aucune adresse électronique n'est affichée.\n\n## Comment inscrire ma collectivité ou mon association ? {#register}\n\nCréez un compte, puis ajoutez votre organisation depuis « Mes organisations » : vous en devenez l'administrateur et pouvez inviter vos collègues. Si votre organisation existe déjà, demandez à la rejoindre : ses administrateurs reçoivent votre demande.\n\n## Comment une fiche est-elle publiée ? {#publication}\n\nLes éditeurs d'une organisation publient ses fiches ; les coordinateurs nationaux relisent les brouillons de leur pays dans leur file de relecture. Une bonne pratique est publiée après la relecture d'un coordinateur.\n\n## Pourquoi me demande-t-on de confirmer qu'une fiche est toujours exacte ? {#freshness}\n\nUne information qui date perd sa valeur. coopdec rappelle régulièrement aux éditeurs de vérifier leurs fiches ; un clic sur « Toujours exact » suffit quand rien n'a changé.\n\n## Qu'est-ce qu'une bonne pratique ? {#practices}\n\nLe récit de ce qui a fonctionné, écrit par les organisations qui l'ont fait : la situation de départ, les objectifs, les moyens, la démarche, les résultats, ce qui la rend durable, les leçons apprises et ce qu'il faut à un autre territoire pour la reproduire. Elle est liée aux projets qui la prouvent : leurs résultats mesurés et approuvés s'affichent avec elle.\n\n## Puis-je réutiliser les données ? {#open-data}\n\nOui : les fiches publiées sont des données ouvertes. L'atlas propose des statistiques téléchargeables, l'API publique les sert en JSON et les activités sont exportées au format international IATI.\n\n## Que signifie la mention « démonstration » ? {#demo}\n\nLes fiches marquées « démonstration » sont inventées pour montrer le fonctionnement du site ; elles ne décrivent pas une coopération réelle.\n"
        },
        "en": {
            "title": "Frequently asked questions",
            "lead": "Short answers to the questions international-relations officers, associations and visitors ask most often about coopdec.",
            "body": "## Who can see what I record? {#visibility}\n\nA record (organisation, partnership, project, good practice) stays a **draft** until it is published: only the organisation's members and the coordinators see it. Once published, it appears in the public atlas, in the API and in the downloads. Contacts (names, functions) are shown to signed-in people only, and no e-mail address is ever displayed.\n\n## How do I register my local government or my association? {#register}\n\nCreate an account, then add your organisation from \"My organisations\": you become its administrator and can invite your colleagues. If your organisation is already there, ask to join it: its administrators receive your request.\n\n## How does a record get published? {#publication}\n\nAn organisation's editors publish its records; national coordinators check the drafts of their country in their review queue. A good practice is published after a coordinator's review.\n\n## Why am I asked to confirm that a record is still accurate? {#freshness}\n\nInformation that is out of date loses its value. coopdec regularly reminds editors to check their records; one click on \"Still accurate\" is enough when nothing has changed.\n\n## What is a good practice? {#practices}\n\nThe account of what worked, written by the organisations that did it: the situation before, the objectives, the resources, the process, the results, what makes it last, the lessons learned and what another territory needs to reproduce it. It is tied to the projects that prove it: their measured and approved results are shown with it.\n\n## May I reuse the data? {#open-data}\n\nYes: published records are open data. The atlas offers downloadable statistics, the public API serves them as JSON, and activities are exported in the international IATI format.\n\n## What does the \"demonstration\" label mean? {#demo}\n\nRecords labelled \"demonstration\" are invented to show how the site works; they do not describe real cooperation.\n"
        }
    }
}


def seed(apps, schema_editor):
    Page = apps.get_model("knowledge", "Page")
    HistoricalPage = apps.get_model("knowledge", "HistoricalPage")
    for slug, languages in PAGES.items():
        if Page.objects.filter(slug=slug).exists():
            continue
        page = Page.objects.create(
            slug=slug,
            title={code: parts["title"] for code, parts in languages.items()},
            lead={code: parts["lead"] for code, parts in languages.items()},
            body={code: parts["body"] for code, parts in languages.items()},
        )
        # The first version of its history (a migration's models carry no history manager).
        HistoricalPage.objects.create(
            id=page.id,
            slug=page.slug,
            title=page.title,
            lead=page.lead,
            body=page.body,
            updated_at=page.updated_at,
            history_date=page.updated_at,
            history_type="+",
            history_change_reason="created",
        )


def unseed(apps, schema_editor):
    apps.get_model("knowledge", "Page").objects.filter(slug__in=list(PAGES)).delete()


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_practices_and_pages")]

    operations = [migrations.RunPython(seed, unseed)]
