"""The forms of Spain's and Latin America's most used irregular verbs, and a few common words,
that pyspellchecker's Spanish list leaves out.

Its list (built from film subtitles) lacks words as common as “está”, “hay”, “va”, “vamos”,
“hemos”, “tendrá” and “según”, so a Spanish support reply was underlined every few words. The
regular forms are worked out from the infinitive (word_forms.spanish_infinitives); these verbs
change their stem or their endings in ways no rule there covers, so their forms are written out,
by tense, as the Real Academia's conjugation tables give them. A closed list: these twenty verbs
and their compounds are the ones Spanish uses most.
"""

from __future__ import annotations

_VERBS = {
    "ser": "soy eres es somos sois son fui fuiste fue fuimos fuisteis fueron era eras éramos "
    "erais eran seré serás será seremos seréis serán sería serías seríamos seríais serían sea "
    "seas seamos seáis sean fuera fueras fuéramos fuerais fueran fuese fueses fuésemos fueseis "
    "fuesen sé sed siendo sido",
    "estar": "estoy estás está estamos estáis están estuve estuviste estuvo estuvimos "
    "estuvisteis estuvieron estaba estabas estábamos estabais estaban estaré estarás estará "
    "estaremos estaréis estarán estaría estarías estaríamos estaríais estarían esté estés "
    "estemos estéis estén estuviera estuvieras estuviéramos estuvierais estuvieran estuviese "
    "estuviesen estad estando estado",
    "ir": "voy vas va vamos vais van iba ibas íbamos ibais iban iré irás irá iremos iréis irán "
    "iría irías iríamos iríais irían vaya vayas vayamos vayáis vayan ve id yendo ido",
    "haber": "he has ha hemos habéis han hay hube hubiste hubo hubimos hubisteis hubieron había "
    "habías habíamos habíais habían habré habrás habrá habremos habréis habrán habría habrías "
    "habríamos habríais habrían haya hayas hayamos hayáis hayan hubiera hubieras hubiéramos "
    "hubierais hubieran hubiese hubiesen habiendo habido",
    "tener": "tengo tienes tiene tenemos tenéis tienen tuve tuviste tuvo tuvimos tuvisteis "
    "tuvieron tendré tendrás tendrá tendremos tendréis tendrán tendría tendrías tendríamos "
    "tendríais tendrían tenga tengas tengamos tengáis tengan tuviera tuvieras tuviéramos "
    "tuvierais tuvieran tuviese tuviesen ten",
    "hacer": "hago haces hace hacemos hacéis hacen hice hiciste hizo hicimos hicisteis hicieron "
    "haré harás hará haremos haréis harán haría harías haríamos haríais harían haga hagas "
    "hagamos hagáis hagan hiciera hicieras hiciéramos hicierais hicieran hiciese haz hecho",
    "poder": "puedo puedes puede podemos podéis pueden pude pudiste pudo pudimos pudisteis "
    "pudieron podré podrás podrá podremos podréis podrán podría podrías podríamos podríais "
    "podrían pueda puedas podamos podáis puedan pudiera pudieras pudiéramos pudierais pudieran "
    "pudiese pudiendo",
    "decir": "digo dices dice decimos decís dicen dije dijiste dijo dijimos dijisteis dijeron "
    "diré dirás dirá diremos diréis dirán diría dirías diríamos diríais dirían diga digas "
    "digamos digáis digan dijera dijeras dijéramos dijerais dijeran di diciendo dicho",
    "saber": "sé sabes sabe sabemos sabéis saben supe supiste supo supimos supisteis supieron "
    "sabré sabrás sabrá sabremos sabréis sabrán sabría sabrías sabríamos sabríais sabrían sepa "
    "sepas sepamos sepáis sepan supiera supieras supiéramos supierais supieran",
    "dar": "doy das da damos dais dan di diste dio dimos disteis dieron dé des demos deis den "
    "diera dieras diéramos dierais dieran",
    "ver": "veo ves ve vemos veis ven vi viste vio vimos visteis vieron veía veías veíamos "
    "veíais veían vea veas veamos veáis vean viendo visto",
    "poner": "pongo pones pone ponemos ponéis ponen puse pusiste puso pusimos pusisteis "
    "pusieron pondré pondrás pondrá pondremos pondréis pondrán pondría pondrías pondríamos "
    "pondríais pondrían ponga pongas pongamos pongáis pongan pusiera pusieras pusiéramos "
    "pusierais pusieran pon puesto",
    "querer": "quiero quieres quiere queremos queréis quieren quise quisiste quiso quisimos "
    "quisisteis quisieron querré querrás querrá querremos querréis querrán querría querrías "
    "querríamos querríais querrían quiera quieras queramos queráis quieran quisiera quisieras "
    "quisiéramos quisierais quisieran",
    "venir": "vengo vienes viene venimos venís vienen vine viniste vino vinimos vinisteis "
    "vinieron vendré vendrás vendrá vendremos vendréis vendrán vendría vendrías vendríamos "
    "vendríais vendrían venga vengas vengamos vengáis vengan viniera vinieras viniéramos "
    "vinierais vinieran ven viniendo",
    "salir": "salgo sales sale salimos salís salen saldré saldrás saldrá saldremos saldréis "
    "saldrán saldría saldrías saldríamos saldríais saldrían salga salgas salgamos salgáis "
    "salgan sal",
    "traer": "traigo traes trae traemos traéis traen traje trajiste trajo trajimos trajisteis "
    "trajeron traiga traigas traigamos traigáis traigan trajera trajeras trajeran trayendo traído",
    "oír": "oigo oyes oye oímos oís oyen oí oíste oyó oyeron oiga oigas oigamos oigáis oigan "
    "oyendo oído",
    "caer": "caigo caes cae caemos caéis caen caí caíste cayó caímos cayeron caiga caigas "
    "caigamos caigan cayendo caído",
    "valer": "valgo vales vale valemos valen valdré valdrás valdrá valdremos valdrán valdría "
    "valdrían valga valgas valgamos valgan",
    "caber": "quepo cabes cabe cabemos caben cupe cupo cupieron cabré cabrá cabría quepa quepas "
    "quepamos quepan",
}
# verbs made from these, conjugated the same way (obtener: obtuvo, mantendrá, proponer: propuso)
_COMPOUNDS = {
    "tener": "abs con de en entre man ob re sos",
    "poner": "com contra de dis ex im o pre pro re sobre su trans yux",
    "venir": "a con contra de inter pre pro re sobre sub",
    "hacer": "contra des re",
    "decir": "ben contra mal pre",
    "traer": "a abs con contra dis re sub sus",
    "salir": "sobre",
    "valer": "equi pre",
    "ver": "entre pre re",
}
# a prefix makes the one-syllable imperative a word stressed on its end: detén, propón, convén
_STRESSED = {"ten": "tén", "pon": "pón", "ven": "vén"}
# common words the list lacks besides (found by reading support replies against it)
_OTHER = "según aún"


def _all_forms() -> frozenset[str]:
    forms = {form for text in _VERBS.values() for form in text.split()}
    for verb, prefixes in _COMPOUNDS.items():
        for form in _VERBS[verb].split():
            forms.update(prefix + _STRESSED.get(form, form) for prefix in prefixes.split())
    return frozenset(forms | set(_OTHER.split()))


SPANISH_IRREGULAR = _all_forms()  # built once, looked up per word
