{#- A table rebuilt by every build: a customer's health moves with cx_as_of, new responses, cases
    and comments. The summary of each customer's responses is kept by customer
    (int_customer_response_summaries); what moves with cx_as_of alone (days since the last
    response, the risk score, overdue cases) and the comments' labels are read here. -#}

{%- set settings = cx_health_settings() %}
{%- set as_of = cx_as_of() %}

with

summaries as (

    select * from {{ ref('int_customer_response_summaries') }}

),

insights as (

    select * from {{ ref('fct_comment_insights') }}

),

comment_themes as (

    select * from {{ ref('fct_comment_themes') }}

),

cases as (

    select * from {{ ref('fct_followup_cases') }}

),

customers as (

    select * from {{ ref('dim_customer') }}

),

risk_model as (

    select * from {{ ref('stg_nps_reference__risk_model_terms') }}

),

-- one row per customer: the summary of their responses known at as_of (kept by customer), and
-- the sentiment of their last comment read now, as the comment marts label it
customer_summary as (

    select
        summaries.*,
        insights.sentiment as last_sentiment,
        insights.sentiment_score as last_sentiment_score

    from summaries
    left join insights
        on summaries.last_comment_response_id = insights.response_id

),

-- the comments that speak negatively of a risk theme
negative_theme_comments as (

    select distinct response_id

    from comment_themes
    where
        theme in ({{ nps_literal_list(settings.risk_themes) }})
        and theme_sentiment = 'negative'

),

-- the cases again, read apart: one import CTE read twice would be materialised whole first
active_cases as (

    select * from {{ ref('fct_followup_cases') }}
    where
        customer_id is not null
        and status != {{ nps_literal('case_status', 'cancelled') }}

),

case_ranked as (

    select
        customer_id,
        case_id,
        status,
        row_number() over (partition by customer_id order by opened_at desc, case_id desc) as from_last

    from active_cases

),

latest_case as (

    select * from case_ranked
    where from_last = 1

),

case_counts as (

    select
        customer_id,
        cast(sum({{ cx_case_is_pending('status') }}) as bigint) as open_cases,
        cast(sum(case when is_overdue then 1 else 0 end) as bigint) as overdue_cases

    from cases
    where customer_id is not null
    group by customer_id

),

assembled as (

    select
        customer_summary.customer_id,
        coalesce(customers.loyalty_tier, {{ nps_literal('placeholder', 'unknown') }}) as loyalty_tier,
        customer_summary.responses_365d,
        customer_summary.detractor_responses_365d,
        customer_summary.last_response_date,
        customer_summary.last_nps_score,
        customer_summary.previous_nps_score,
        customer_summary.last_nps_score - customer_summary.previous_nps_score as nps_change,
        customer_summary.last_nps_category,
        customer_summary.previous_nps_category,
        customer_summary.last_sentiment,
        customer_summary.last_sentiment_score,
        customer_summary.mean_nps,
        customer_summary.detractor_share,
        customer_summary.nps_answers,
        customer_summary.latest_submitted_at,
        customer_summary.latest_loyalty_tier,
        customer_summary.latest_age_band,
        customer_summary.latest_segment,
        coalesce(case_counts.open_cases, 0) as open_cases,
        coalesce(case_counts.overdue_cases, 0) as overdue_cases,
        latest_case.case_id as latest_case_id,
        latest_case.status as latest_case_status,
        case when customer_summary.recent_detractor_responses >= 2 then 1 else 0 end as risk_repeat_detractor,
        case
            when customer_summary.last_nps_score - customer_summary.previous_nps_score <= -{{ settings.score_drop }}
                then 1
            else 0
        end as risk_score_drop,
        case when coalesce(case_counts.overdue_cases, 0) > 0 then 1 else 0 end as risk_overdue_case,
        case when negative_theme_comments.response_id is not null then 1 else 0 end as risk_negative_theme,
        case
            when
                customer_summary.last_nps_category = {{ nps_literal('category', 'passive') }}
                and customer_summary.last_nps_score > customer_summary.previous_nps_score
                and customer_summary.last_sentiment = 'positive'
                then 1
            else 0
        end as promoter_rising_passive,
        case
            when
                customer_summary.last_nps_category = {{ nps_literal('category', 'promoter') }}
                and customer_summary.previous_nps_category = {{ nps_literal('category', 'promoter') }}
                then 1
            else 0
        end as promoter_promoter_twice

    from customer_summary
    left join customers
        on customer_summary.customer_id = customers.customer_id
    left join negative_theme_comments
        on customer_summary.last_comment_response_id = negative_theme_comments.response_id
    left join case_counts
        on customer_summary.customer_id = case_counts.customer_id
    left join latest_case
        on customer_summary.customer_id = latest_case.customer_id

),

{%- set features = cx_risk_features() %}
{%- set coding = cx_risk_coding() %}

-- the model's terms, one row per model: each feature's mean, scale and coefficient, the intercept
models as (

    select
        model,
        {% for feature in features -%}
            max(case when feature = '{{ feature }}' then feature_mean end) as {{ feature }}_mean,
            max(case when feature = '{{ feature }}' then feature_scale end) as {{ feature }}_scale,
            max(case when feature = '{{ feature }}' then coefficient end) as {{ feature }}_coefficient,
        {% endfor -%}
        max(case when feature = 'intercept' then coefficient end) as intercept

    from risk_model
    group by model

),

-- the features of each customer at as_of (null without an NPS answer: no score)
features as (

    select
        assembled.customer_id,
        {{ cast_to_double('assembled.last_nps_score') }} as last_nps,
        assembled.mean_nps,
        {{ cast_to_double('coalesce(assembled.last_nps_score - assembled.previous_nps_score, 0)') }} as nps_trend,
        {{ cast_to_double('assembled.detractor_share') }} as detractor_share,
        {{ cast_to_double('least(assembled.nps_answers, ' ~ coding.answers_cap ~ ')') }} as answers,
        least(
            {{ cast_to_double(microseconds_between('assembled.latest_submitted_at', cx_as_of())) }} / 86400000000.0,
            {{ coding.days_cap }}
        ) as days_since_last,
        {{ cast_to_double('coalesce(assembled.last_sentiment_score, 0)') }} as last_sentiment_score,
        {{ cast_to_double('assembled.risk_negative_theme') }} as negative_theme,
        {{ cx_rank_of('assembled.latest_loyalty_tier', coding.tier_ranks) }} as tier_rank,
        {% for segment in coding.segments -%}
            {{ cast_to_double("case when assembled.latest_segment = '" ~ segment ~ "' then 1 else 0 end") }}
                as segment_{{ segment }},
        {% endfor -%}
        {{ cx_rank_of('assembled.latest_age_band', coding.age_ranks) }} as age_rank

    from assembled

),

scored as (

    {%- set terms = [] %}
    {%- for feature in features %}
        {%- do terms.append(
            'models.' ~ feature ~ '_coefficient * (features.' ~ feature ~ ' - models.' ~ feature
            ~ '_mean) / models.' ~ feature ~ '_scale'
        ) %}
    {%- endfor %}

    select
        features.customer_id,
        models.model,
        -- the linear predictor clamped to [-50, 50], as the oracle does (exp overflows past 709);
        -- least and greatest skip nulls, so a customer without an NPS answer is tested first
        case
            when features.last_nps is not null
                then 1.0 / (1.0 + exp(-least(greatest(
                        models.intercept
                        + {{ terms | join('\n                        + ') }},
                        -50.0
                    ), 50.0)))
        end as score

    from features
    cross join models

),

scores as (

    select
        customer_id,
        max(case when model = 'detractor_risk' then score end) as detractor_risk,
        max(case when model = 'promoter_propensity' then score end) as promoter_propensity

    from scored
    group by customer_id

),

with_scores as (

    select
        assembled.*,
        scores.detractor_risk,
        scores.promoter_propensity

    from assembled
    left join scores
        on assembled.customer_id = scores.customer_id

),

final as (

    select
        customer_id,
        loyalty_tier,
        responses_365d,
        detractor_responses_365d,
        last_response_date,
        last_nps_score,
        last_nps_category,
        previous_nps_score,
        nps_change,
        {{ cast_to_text('last_sentiment') }} as last_sentiment,
        open_cases,
        overdue_cases,
        {{ cast_to_text('latest_case_id') }} as latest_case_id,
        {{ cast_to_text('latest_case_status') }} as latest_case_status,
        risk_repeat_detractor = 1 as is_repeat_detractor,
        (
            risk_repeat_detractor + risk_score_drop + risk_overdue_case + risk_negative_theme
        ) > 0 as is_at_risk,
        {{ cx_reason_list(cx_at_risk_reasons(), 'risk_') }} as at_risk_reasons,
        (promoter_rising_passive + promoter_promoter_twice) > 0 as is_likely_promoter,
        {{ cx_reason_list(cx_likely_promoter_reasons(), 'promoter_') }} as likely_promoter_reasons,
        {{ cast_to_double('detractor_risk') }} as detractor_risk,
        {{ cast_to_double('promoter_propensity') }} as promoter_propensity,
        {{ as_of }} as as_of

    from with_scores

)

select * from final
